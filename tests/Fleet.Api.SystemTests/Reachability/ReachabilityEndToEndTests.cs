using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Api.SystemTests.EndToEnd;
using Fleet.Domain.Messages;
using Fleet.Domain.Reachability;
using Fleet.Domain.Topics;

namespace Fleet.Api.SystemTests.Reachability;

/// <summary>
/// Issue 13's "Done when", end to end: the agent binary checks its two tunnels (an http page and a tcp service on this
/// machine's loopback) through the stand-in ngrok's edge, publishes through Mosquitto, and the API on PostgreSQL
/// shows the summary, records the events and answers "was it reachable at T" from the history.
/// </summary>
public sealed class ReachabilityEndToEndTests(FleetDeployment stack) : IClassFixture<FleetDeployment>
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(45);

    private static readonly string[] ReachabilityTypes = [EventTypes.Reachable, EventTypes.Degraded, EventTypes.Unreachable];

    [Fact]
    public async Task Reachability_ServiceStopsThenEdgeTakesUrlsOfflineThenBack_SummaryEventsAndHistoryFollow()
    {
        var detector = await stack.ProvisionAsync("reach");
        var id = detector.Id;
        var webPort = FreePort.Next();
        var sshPort = FreePort.Next();
        var edgePort = FreePort.Next();
        var tcpEdgePort = FreePort.Next();
        var web = LoopbackService.Http(webPort);
        await using var ssh = LoopbackService.Tcp(sshPort);
        var pins = new Dictionary<string, string>
        {
            ["web"] = $"https://{Guid.NewGuid().ToString("N")[..8]}.ngrok-free.app",
            ["ssh"] = $"tcp://0.tcp.eu.ngrok.io:{tcpEdgePort}",
        };
        var control = Path.Combine(detector.WorkDirectory, "ngrok-control.json");
        await WriteControlAsync(control, new { urls = pins });
        await using var events = await EventsSubscriber.StartAsync(stack.Mosquitto, id, TimeSpan.FromMinutes(5));
        await using var agent = StartAgent(detector, webPort, sshPort, edgePort, control);
        using var reader = stack.Api.CreateReader();
        try
        {
            // 1. Both tunnels answer through the edge.
            // Each tunnel's check arrives as it finishes: the summary may say reachable with one checked and one not yet.
            var reachable = await stack.WaitForDetectorAsync(
                id,
                v => v.Reachability?.State == ReachabilityStates.Reachable && v.Tunnels.Count(t => t.Check?.Outcome == CheckOutcomes.Ok) == 2,
                "reachable with both tunnels checked",
                Step);
            // The first checks through the cold stand-in edge may fail before they settle: on a loaded host web's first
            // checks timed out or found the web service silent, so the events began reachable, degraded, reachable
            // (and again) before any step. Those are true changes, but not this scenario's: it starts at the reachable
            // event that the history holds now, and every wait and assertion below counts from there.
            var start = await SettledAsync(reader, id);
            await Eventually.TrueAsync(
                () => Task.FromResult(ReachabilityEvents(events).Count >= start),
                $"the {start} reachability event(s) before the scenario on the events topic",
                Step);
            var atReachable = DateTimeOffset.UtcNow;

            // 2. The local web service stops: only web fails, from the agent's side.
            await web.DisposeAsync();
            var degraded = await stack.WaitForDetectorAsync(id, v => v.Reachability?.State == ReachabilityStates.Degraded, "degraded", Step);
            await WaitForEventAsync(events, start, EventTypes.Degraded);
            var atDegraded = DateTimeOffset.UtcNow;

            // 3. The edge takes every URL of the detector offline. The web service comes back only once that shows,
            // so that web's check reaches the edge (a stopped upstream wins over what the URL says).
            await WriteControlAsync(control, new { urls = pins, offline = new[] { "web", "ssh" } });
            await stack.WaitForDetectorAsync(id, v => v.Reachability?.State == ReachabilityStates.Unreachable, "unreachable", Step);
            web = LoopbackService.Http(webPort);
            var unreachable = await stack.WaitForDetectorAsync(
                id,
                v => v.Reachability?.State == ReachabilityStates.Unreachable
                    && v.Reachability.Failing.Any(f => f.Tunnel == "web" && f.Outcome == CheckOutcomes.EndpointOffline),
                "unreachable with web's endpoint offline",
                Step);
            await WaitForEventAsync(events, start, EventTypes.Unreachable);
            var atUnreachable = DateTimeOffset.UtcNow;

            // 4. The edge brings them back.
            await WriteControlAsync(control, new { urls = pins });
            var back = await stack.WaitForDetectorAsync(id, v => v.Reachability?.State == ReachabilityStates.Reachable, "reachable again", Step);
            await WaitForEventAsync(events, start, EventTypes.Reachable);

            Assert.Empty(reachable.Reachability!.Failing);
            Assert.Equal(2, reachable.Tunnels.Count(t => t.Check?.Outcome == CheckOutcomes.Ok));
            var down = Assert.Single(degraded.Reachability!.Failing);
            Assert.Equal(("web", CheckOutcomes.UpstreamDown, CheckSources.Agent), (down.Tunnel, down.Outcome, down.Source));
            var failing = unreachable.Reachability!.Failing.OrderBy(f => f.Tunnel, StringComparer.Ordinal).ToList();
            (string, string, string)[] expected =
                [("ssh", CheckOutcomes.EndpointOffline, CheckSources.Agent), ("web", CheckOutcomes.EndpointOffline, CheckSources.Agent)];
            Assert.Equal(expected, failing.Select(f => (f.Tunnel, f.Outcome, f.Source)));
            Assert.Equal("ERR_NGROK_3200", failing[1].Code);
            Assert.Empty(back.Reachability!.Failing);

            // 5. mosquitto_sub saw the changes in order, from the scenario's first reachable on (several events of one
            // type in a row are changes of the failing list within that state). When the edge brings both URLs back,
            // each tunnel's check arrives as it finishes, so one may be back a state before the other: a degraded
            // with the other still endpoint-offline is a true change there, and the only extra event allowed.
            var scenario = ReachabilityEvents(events).Skip(start - 1).ToList();
            string[] order = [EventTypes.Reachable, EventTypes.Degraded, EventTypes.Unreachable, EventTypes.Reachable];
            Assert.Equal(order, Collapse(scenario.Where(e => !IsOneBackFirst(e)).Select(e => e.Type)));

            // 6. The newest reachability event at or before T answers "was it reachable at T".
            Assert.Equal(EventTypes.Reachable, await StateAtAsync(reader, id, atReachable));
            Assert.Equal(EventTypes.Degraded, await StateAtAsync(reader, id, atDegraded));
            Assert.Equal(EventTypes.Unreachable, await StateAtAsync(reader, id, atUnreachable));

            // The registry topic carries the same summary.
            var registry = await MosquittoCli.SubscribeAsync(
                stack.Mosquitto.Host, stack.Mosquitto.Port, "monitor", stack.Mosquitto.MonitorPassword, FleetTopics.Registry(id), 1, TimeSpan.FromSeconds(10));
            using var registered = JsonDocument.Parse(Assert.Single(registry)[(FleetTopics.Registry(id).Length + 1)..]);
            Assert.Equal(ReachabilityStates.Reachable, registered.RootElement.GetProperty("reachability").GetProperty("state").GetString());
        }
        catch (Exception ex) when (ex is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{ex.Message}\n--- mosquitto_sub:\n{events.Output}\n--- agent:\n{agent.Output}", ex);
        }
        finally
        {
            await web.DisposeAsync();
        }
    }

    private AgentProcess StartAgent(DetectorSetup detector, int webPort, int sshPort, int edgePort, string control)
    {
        var config = Path.Combine(detector.WorkDirectory, "ngrok.yml");
        File.WriteAllText(config, $"""
            version: 2
            authtoken: FAKE-AUTHTOKEN-{Guid.NewGuid():N}
            web_addr: 127.0.0.1:{FreePort.Next()}
            tunnels:
              web:
                proto: http
                addr: {webPort}
              ssh:
                proto: tcp
                addr: {sshPort}
            """);
        var ca = Path.Combine(detector.WorkDirectory, "edge-ca.pem");
        var cert = Path.Combine(detector.WorkDirectory, "edge.pem");
        var key = Path.Combine(detector.WorkDirectory, "edge.key");
        TestCertificates.Write(ca, cert, key, "*.ngrok-free.app");
        var agent = new AgentProcess(
            detector.WorkDirectory,
            new
            {
                DetectorId = detector.Id,
                StateDirectory = detector.StateDirectory,
                LogDirectory = detector.LogDirectory,
                Heartbeat = "00:00:30",
                Provider = "ngrok",
                Ngrok = new
                {
                    Binary = RepositoryPaths.FakeNgrok,
                    ConfigFiles = new[] { config },
                    PollInterval = "00:00:01",
                    RestartMinDelay = "00:00:00.200",
                    RestartMaxDelay = "00:00:05",
                },
                // Every public name of the stand-in goes to its edge on loopback: nothing leaves this machine. No check
                // of the scenario waits for its timeout (refusals and error pages answer at once), so the timeout is as
                // long as the interval allows: a shorter one turned a stall of the loaded host (the web service here is
                // in the test process) into timeout and upstream-down flaps.
                Checks = new
                {
                    Interval = "00:00:02",
                    Timeout = "00:00:02",
                    Resolve = new[] { $"*.ngrok-free.app:443:127.0.0.1:{edgePort}", "0.tcp.eu.ngrok.io:*:127.0.0.1" },
                    CaFile = ca,
                },
                Mqtt = stack.MqttSection(detector),
            },
            new Dictionary<string, string>
            {
                ["Agent__Checks__Enabled"] = "true",
                ["FAKE_NGROK_CONTROL"] = control,
                ["FAKE_NGROK_EDGE"] = $"127.0.0.1:{edgePort}",
                ["FAKE_NGROK_EDGE_CERT"] = cert,
                ["FAKE_NGROK_EDGE_KEY"] = key,
                ["FAKE_NGROK_EDGE_TCP"] = "1",
            });
        agent.Start();
        return agent;
    }

    /// <summary>Written aside and renamed, so the stand-in (polling every 100 ms) never reads half a file.</summary>
    private static async Task WriteControlAsync(string path, object control)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(control));
        File.Move(temporary, path, overwrite: true);
    }

    private static List<FleetEvent> ReachabilityEvents(EventsSubscriber events) =>
        [.. events.Events.Where(e => ReachabilityTypes.Contains(e.Type))];

    /// <summary>Waits for a <paramref name="type"/> event after the <paramref name="start"/> reachability events before the scenario.</summary>
    private static Task WaitForEventAsync(EventsSubscriber events, int start, string type) =>
        Eventually.TrueAsync(
            () => Task.FromResult(ReachabilityEvents(events).Skip(start).Any(e => e.Type == type)),
            $"a '{type}' event on the events topic after the {start} before the scenario",
            Step);

    /// <summary>
    /// How many reachability events the history holds once its newest is reachable: the scenario's start. The history
    /// is written in the transaction that changes the summary, so it already holds the event of the view just read.
    /// </summary>
    private static async Task<int> SettledAsync(HttpClient reader, string id) =>
        (await Eventually.GetAsync(
            async () => await reader.GetFromJsonAsync<List<FleetEvent>>(
                $"/detectors/{id}/history?type=unreachable&type=degraded&type=reachable&limit=1000") ?? [],
            history => history.Count > 0 && history[0].Type == EventTypes.Reachable,
            "the history's newest reachability event to be reachable",
            Step)).Count;

    /// <summary>The degraded event of step 4 when one tunnel's check is back before the other's: from unreachable, the other still offline.</summary>
    private static bool IsOneBackFirst(FleetEvent e) =>
        e is { Type: EventTypes.Degraded, Data: { } data }
        && data["from"]?.GetValue<string>() == EventTypes.Unreachable
        && data["failing"] is JsonArray { Count: 1 } failing
        && failing[0]?["outcome"]?.GetValue<string>() == CheckOutcomes.EndpointOffline;

    private static async Task<string?> StateAtAsync(HttpClient reader, string id, DateTimeOffset at)
    {
        // until is exclusive; T is taken after the event arrived, so the event at T's instant is not in question.
        var until = Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        var history = await reader.GetFromJsonAsync<List<FleetEvent>>(
            $"/detectors/{id}/history?type=unreachable&type=degraded&type=reachable&until={until}&limit=1");
        return history?.SingleOrDefault()?.Type;
    }

    private static List<string> Collapse(IEnumerable<string> types)
    {
        var collapsed = new List<string>();
        foreach (var type in types)
        {
            if (collapsed.Count == 0 || collapsed[^1] != type)
            {
                collapsed.Add(type);
            }
        }

        return collapsed;
    }
}
