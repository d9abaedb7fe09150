using System.Text.Json.Nodes;

namespace Fleet.FakeNgrok;

/// <summary>ngrok's local agent API: /api/tunnels, /api/endpoints and /api/status, in the shape the control file picks.</summary>
internal static class ApiRoutes
{
    public static void MapNgrokApi(this WebApplication app, FakeAgentState state)
    {
        app.MapGet("/api/tunnels", () => state.Shape == ApiShape.Endpoints ? NotFound() : Json(Tunnels(state)));
        app.MapGet("/api/endpoints", () => state.Shape is ApiShape.Both or ApiShape.Endpoints ? Json(Endpoints(state)) : NotFound());
        app.MapGet("/api/status", () => Json(new JsonObject
        {
            ["status"] = state.SessionOnline ? "online" : "reconnecting",
            ["agent_version"] = FakeAgentState.Version,
            ["session"] = new JsonObject { ["legs"] = new JsonArray(new JsonObject { ["region"] = "eu", ["latency"] = "12ms" }) },
            ["uri"] = "/api/status",
        }));
        app.MapFallback(NotFound);
    }

    private static JsonObject Tunnels(FakeAgentState state)
    {
        bool v2 = state.Shape == ApiShape.TunnelsV2;
        JsonArray list = [];
        foreach (FakeTunnel tunnel in state.Tunnels.Snapshot())
        {
            bool http = tunnel.Spec.Proto == "http";
            string addr = http ? "http://" + tunnel.Spec.Addr : tunnel.Spec.Addr;
            string proto = http ? "https" : tunnel.Spec.Proto;
            list.Add(Tunnel(tunnel.Name, tunnel.Url, proto, addr, v2 ? tunnel.Id : null));
            if (v2 && http)
            {
                // v2 opens a plain-http twin of every http tunnel.
                string plain = "http://" + tunnel.Url[(tunnel.Url.IndexOf("://", StringComparison.Ordinal) + 3)..];
                list.Add(Tunnel(tunnel.Name + " (http)", plain, "http", addr, "tn_" + TunnelTable.Hex(12)));
            }
        }

        return new JsonObject { ["tunnels"] = list, ["uri"] = "/api/tunnels" };
    }

    private static JsonObject Tunnel(string name, string url, string proto, string addr, string? id)
    {
        JsonObject tunnel = [];
        if (id is not null)
        {
            tunnel["ID"] = id;
        }

        tunnel["name"] = name;
        tunnel["uri"] = "/api/tunnels/" + name;
        tunnel["public_url"] = url;
        tunnel["proto"] = proto;
        tunnel["config"] = new JsonObject { ["addr"] = addr, ["inspect"] = proto.StartsWith("http", StringComparison.Ordinal) };
        tunnel["metrics"] = new JsonObject { ["conns"] = Metrics(gauge: true), ["http"] = Metrics(gauge: false) };
        return tunnel;
    }

    private static JsonObject Endpoints(FakeAgentState state)
    {
        JsonArray list = [];
        foreach (FakeTunnel tunnel in state.Tunnels.Snapshot())
        {
            bool http = tunnel.Spec.Proto == "http";
            list.Add(new JsonObject
            {
                ["name"] = tunnel.Name,
                ["uri"] = "/api/endpoints/" + tunnel.Name,
                ["url"] = tunnel.Url,
                ["upstream"] = new JsonObject
                {
                    ["url"] = http ? "http://" + tunnel.Spec.Addr : tunnel.Spec.Addr,
                    ["protocol"] = http ? "http1" : tunnel.Spec.Proto,
                },
                ["inspect"] = http,
                ["traffic_policy"] = "",
                ["pooling_enabled"] = false,
            });
        }

        return new JsonObject { ["endpoints"] = list };
    }

    private static JsonObject Metrics(bool gauge)
    {
        JsonObject metrics = new() { ["count"] = 0 };
        if (gauge)
        {
            metrics["gauge"] = 0;
        }

        foreach (string key in new[] { "rate1", "rate5", "rate15", "p50", "p90", "p95", "p99" })
        {
            metrics[key] = 0;
        }

        return metrics;
    }

    private static IResult Json(JsonNode body) => Results.Text(body.ToJsonString(), "application/json");

    private static IResult NotFound() =>
        Results.Text(new JsonObject { ["status_code"] = 404, ["msg"] = "Not Found" }.ToJsonString(), "application/json", statusCode: 404);
}
