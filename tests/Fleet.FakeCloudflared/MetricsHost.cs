using System.Net;

namespace Fleet.FakeCloudflared;

/// <summary>
/// cloudflared's metrics server on the --metrics address: /quicktunnel, /ready, /healthcheck and a token /metrics, with the
/// shapes of cloudflared's metrics/metrics.go and metrics/readiness.go. Unknown paths answer 404 as its router does.
/// </summary>
internal static class MetricsHost
{
    public static WebApplication Build(IPEndPoint address, TunnelState state, Guid connectorId)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address));
        WebApplication app = builder.Build();
        app.MapGet("/quicktunnel", () => Results.Text($$"""{"hostname":"{{state.Hostname}}"}""", "text/plain; charset=utf-8"));
        app.MapGet("/ready", () =>
        {
            int status = state.Connected ? 200 : 503;
            return Results.Text($$"""{"status":{{status}},"readyConnections":{{(state.Connected ? 1 : 0)}},"connectorId":"{{connectorId}}"}""", "text/plain; charset=utf-8", statusCode: status);
        });
        app.MapGet("/healthcheck", () => Results.Text("OK\n"));
        app.MapGet("/metrics", () => Results.Text(
            $"# HELP build_info Build and version information\n# TYPE build_info gauge\nbuild_info{{version=\"{CloudflaredLog.Version}\"}} 1\n" +
            $"# HELP cloudflared_tunnel_ha_connections Number of active ha connections\n# TYPE cloudflared_tunnel_ha_connections gauge\ncloudflared_tunnel_ha_connections {(state.Connected ? 1 : 0)}\n",
            "text/plain; version=0.0.4"));
        return app;
    }
}
