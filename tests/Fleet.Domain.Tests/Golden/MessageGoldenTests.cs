using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Domain.Messages;

namespace Fleet.Domain.Tests.Golden;

/// <summary>
/// One golden payload per message: the exact wire format, so that an old agent keeps talking to a new API and
/// third parties keep parsing what the API publishes. A failure here means the contract changed.
/// </summary>
public sealed class MessageGoldenTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
    private const string Instance = "q3Jx0cT2mZ8KfVbLrN5wYA";

    [Fact]
    public void StatusOnline_Golden_DeserializesAndRoundTrips()
    {
        var json = GoldenFile.Read("status-online.json");

        var status = JsonSerializer.Deserialize(json, FleetJsonContext.Default.StatusMessage);

        Assert.NotNull(status);
        Assert.Equal(Presence.Online, status.State);
        Assert.Equal(12, status.Epoch);
        Assert.Equal(Instance, status.Instance);
        Assert.Equal(At, status.At);
        Assert.Null(status.Reason);
        GoldenFile.AssertSameJson(json, JsonSerializer.Serialize(status, FleetJsonContext.Default.StatusMessage));
    }

    [Fact]
    public void StatusOnline_BuiltInCode_SerializesToGolden()
    {
        var status = new StatusMessage { State = Presence.Online, Epoch = 12, Instance = Instance, At = At, Reason = null };

        GoldenFile.AssertSameJson(GoldenFile.Read("status-online.json"), JsonSerializer.Serialize(status, FleetJsonContext.Default.StatusMessage));
    }

    [Fact]
    public void StatusLostWill_Golden_DeserializesAndRoundTrips()
    {
        var json = GoldenFile.Read("status-lost.json");

        var status = JsonSerializer.Deserialize(json, FleetJsonContext.Default.StatusMessage);

        Assert.NotNull(status);
        Assert.Equal(Presence.Lost, status.State);
        Assert.Equal(12, status.Epoch);
        Assert.Equal(At.AddSeconds(-30), status.At);
        Assert.Equal("connection-lost", status.Reason);

        // The will of an agent older than incarnation ids: still valid, and still written without the field.
        Assert.Null(status.Instance);
        GoldenFile.AssertSameJson(json, JsonSerializer.Serialize(status, FleetJsonContext.Default.StatusMessage));
    }

    [Fact]
    public void State_ContractExample_DeserializesAndRoundTrips()
    {
        var json = GoldenFile.Read("state.json");

        var state = JsonSerializer.Deserialize(json, FleetJsonContext.Default.StateMessage);

        Assert.NotNull(state);
        Assert.Equal(StateMessage.CurrentSchema, state.Schema);
        Assert.Equal("pi-042", state.DetectorId);
        Assert.Equal(12, state.Epoch);
        Assert.Equal(345, state.Seq);
        Assert.Equal(Instance, state.Instance);
        Assert.Equal(At, state.SentAt);
        Assert.Equal(60, state.HeartbeatSeconds);
        Assert.Collection(
            state.Tunnels,
            web =>
            {
                Assert.Equal("web", web.Name);
                Assert.Equal("https://ab12cd34.ngrok-free.app", web.Url);
                Assert.Equal("https", web.Proto);
                Assert.Equal("http://localhost:80", web.Upstream);
                Assert.Equal(new DateTimeOffset(2026, 11, 28, 9, 58, 0, TimeSpan.Zero), web.StartedAt);
            },
            ssh =>
            {
                Assert.Equal("ssh", ssh.Name);
                Assert.Equal("tcp://0.tcp.eu.ngrok.io:12345", ssh.Url);
                Assert.Equal("tcp", ssh.Proto);
                Assert.Equal("localhost:22", ssh.Upstream);
                Assert.Null(ssh.StartedAt);
            });
        Assert.Equal(new ProviderReport { Kind = "ngrok", Version = "3.19.0", State = "running", Restarts = 0, Error = null }, state.Provider);
        Assert.Equal(
            new AgentReport { Version = "1.0.0", Hostname = "pi-042", Os = "Debian GNU/Linux 12", Arch = "arm64", StartedAt = new DateTimeOffset(2026, 11, 28, 9, 57, 50, TimeSpan.Zero) },
            state.Agent);
        GoldenFile.AssertSameJson(json, JsonSerializer.Serialize(state, FleetJsonContext.Default.StateMessage));
    }

    [Fact]
    public void DetectorView_ContractExample_DeserializesAndRoundTrips()
    {
        var json = GoldenFile.Read("detector-view.json");

        var view = JsonSerializer.Deserialize(json, FleetJsonContext.Default.DetectorView);

        Assert.NotNull(view);
        Assert.Equal("pi-042", view.Id);
        Assert.Equal("Roof detector", view.Name);
        Assert.Equal(["roof", "lab-a"], view.Tags);
        Assert.Equal(Presence.Online, view.Status);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 9, 58, 1, TimeSpan.Zero), view.StatusSince);
        Assert.Equal(At.AddSeconds(1), view.LastSeenAt);
        var tunnel = Assert.Single(view.Tunnels);
        Assert.Equal("https://ab12cd34.ngrok-free.app", tunnel.Url);
        Assert.Equal(view.StatusSince, tunnel.Since);
        Assert.Equal("ngrok", view.Provider?.Kind);
        Assert.Equal("arm64", view.Agent?.Arch);
        Assert.Equal(12, view.Epoch);
        Assert.Equal(345, view.Seq);
        Assert.Equal(DetectorLinks.For("pi-042"), view.Links);
        GoldenFile.AssertSameJson(json, JsonSerializer.Serialize(view, FleetJsonContext.Default.DetectorView));
    }

    [Fact]
    public void DetectorView_BuiltInCode_SerializesToGolden()
    {
        var since = new DateTimeOffset(2026, 11, 28, 9, 58, 1, TimeSpan.Zero);
        var view = new DetectorView
        {
            Id = "pi-042",
            Name = "Roof detector",
            Tags = ["roof", "lab-a"],
            Status = Presence.Online,
            StatusSince = since,
            LastSeenAt = At.AddSeconds(1),
            Tunnels =
            [
                new TunnelView
                {
                    Name = "web", Url = "https://ab12cd34.ngrok-free.app", Proto = "https", Upstream = "http://localhost:80", Since = since,
                    Check = new TunnelCheck { Outcome = CheckOutcomes.UpstreamDown, Code = "ERR_NGROK_8012", HttpStatus = 502, LatencyMs = 84, CheckedAt = At.AddSeconds(-2) },
                    Probe = new TunnelCheck { Outcome = CheckOutcomes.UpstreamDown, Code = "ERR_NGROK_8012", HttpStatus = 502, LatencyMs = 131, CheckedAt = At },
                },
            ],
            Reachability = new ReachabilityView
            {
                State = ReachabilityStates.Unreachable,
                CheckedAt = At.AddSeconds(1),
                Failing = [new FailingTunnel("web", CheckOutcomes.UpstreamDown, "ERR_NGROK_8012", "agent")],
            },
            Provider = new ProviderReport { Kind = "ngrok", Version = "3.19.0", State = "running" },
            Agent = new AgentReport { Version = "1.0.0", Hostname = "pi-042", Os = "Debian GNU/Linux 12", Arch = "arm64" },
            Epoch = 12,
            Seq = 345,
            Links = DetectorLinks.For("pi-042"),
        };

        GoldenFile.AssertSameJson(GoldenFile.Read("detector-view.json"), JsonSerializer.Serialize(view, FleetJsonContext.Default.DetectorView));
    }

    [Fact]
    public void DetectorViewList_Serialized_IsJsonArrayOfViews()
    {
        var view = JsonSerializer.Deserialize(GoldenFile.Read("detector-view.json"), FleetJsonContext.Default.DetectorView)!;

        var json = JsonSerializer.Serialize<IReadOnlyList<DetectorView>>([view], FleetJsonContext.Default.IReadOnlyListDetectorView);

        GoldenFile.AssertSameJson($"[{GoldenFile.Read("detector-view.json")}]", json);
    }

    [Fact]
    public void UrlChangedEvent_ContractExample_DeserializesAndRoundTrips()
    {
        var json = GoldenFile.Read("event-url-changed.json");

        var fleetEvent = JsonSerializer.Deserialize(json, FleetJsonContext.Default.FleetEvent);

        Assert.NotNull(fleetEvent);
        Assert.Equal(EventTypes.UrlChanged, fleetEvent.Type);
        Assert.Equal("pi-042", fleetEvent.DetectorId);
        Assert.Equal(At.AddSeconds(1), fleetEvent.At);
        Assert.NotNull(fleetEvent.Data);
        Assert.Equal("web", (string?)fleetEvent.Data["tunnel"]);
        Assert.Equal("https://old.ngrok-free.app", (string?)fleetEvent.Data["from"]);
        Assert.Equal("https://ab12cd34.ngrok-free.app", (string?)fleetEvent.Data["to"]);
        GoldenFile.AssertSameJson(json, JsonSerializer.Serialize(fleetEvent, FleetJsonContext.Default.FleetEvent));
    }

    [Fact]
    public void UrlChangedEvent_BuiltInCode_SerializesToGolden()
    {
        var fleetEvent = new FleetEvent
        {
            Type = EventTypes.UrlChanged,
            DetectorId = "pi-042",
            At = At.AddSeconds(1),
            Data = new JsonObject { ["tunnel"] = "web", ["from"] = "https://old.ngrok-free.app", ["to"] = "https://ab12cd34.ngrok-free.app" },
        };

        GoldenFile.AssertSameJson(GoldenFile.Read("event-url-changed.json"), JsonSerializer.Serialize(fleetEvent, FleetJsonContext.Default.FleetEvent));
    }

    [Fact]
    public void ApiStatus_Golden_DeserializesAndRoundTrips()
    {
        var json = GoldenFile.Read("api-status.json");

        var status = JsonSerializer.Deserialize(json, FleetJsonContext.Default.ApiStatusMessage);

        Assert.Equal(new ApiStatusMessage("online"), status);
        GoldenFile.AssertSameJson(json, JsonSerializer.Serialize(status!, FleetJsonContext.Default.ApiStatusMessage));
    }

    [Fact]
    public void ApiStatus_Offline_SerializesAsContractSays()
    {
        var json = JsonSerializer.Serialize(new ApiStatusMessage("offline"), FleetJsonContext.Default.ApiStatusMessage);

        GoldenFile.AssertSameJson("""{"state":"offline"}""", json);
    }
}
