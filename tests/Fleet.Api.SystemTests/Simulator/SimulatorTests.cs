using System.Globalization;
using System.Net.Http.Json;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Domain.Messages;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Simulator;

/// <summary>
/// fleet-sim as a real process: each simulated detector with its own connection and credential on a real Mosquitto
/// (the shipped ACL), the API in-process on real PostgreSQL. What the broker acknowledged is what the API shows.
/// </summary>
public sealed class SimulatorTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan SimulatorTimeout = TimeSpan.FromSeconds(120);
    private SimulatedFleetStack _stack = null!;

    public async Task InitializeAsync() => _stack = await SimulatedFleetStack.StartAsync("simulator", "fleet-sim-test-");

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task Run_WithRateAndUrlChurn_EveryAcknowledgedStateIsWhatTheApiShows()
    {
        const int count = 150;
        var credentials = await SimulatedFleet.ProvisionAsync(_stack.Broker, _stack.ConnectionString, count, "sa-", _stack.Directory, output);
        var acked = Path.Combine(_stack.Directory, "acked.json");

        await using var sim = SimulatorProcess.Start(
            [
                "run", "--host", _stack.Broker.Host, "--port", Port, "--credentials", credentials, "--count", "150",
                "--rate", "100", "--url-churn", "0.5", "--heartbeat", "20", "--duration", "5", "--acked-out", acked,
            ],
            output);
        var summary = await sim.SummaryAsync(SimulatorTimeout, output);

        Assert.Equal(count, summary.GetProperty("connected").GetInt32());
        Assert.Equal(0, summary.GetProperty("failed").GetInt64());
        Assert.True(summary.GetProperty("acked").GetInt64() > count, "rate-driven messages and heartbeats went out after the first states");
        var states = new AcceptedStates();
        states.Load(acked);
        Assert.Equal(count, states.Count);
        Assert.Contains(states.Snapshot.Values, s => s.Seq > 0);
        output.WriteLine($"[injected] {count} simulated detectors, 100 state/s with half of them changing the web URL, 20 s heartbeats, 5 s; then a clean stop");

        await states.ConvergedAsync(_stack.Api.CreateReader(), TimeSpan.FromSeconds(30), output);
        // Heartbeats of 20 s: a short one would let the API's heartbeat timeout (3 intervals) fire while a loaded
        // machine still has the detector's messages queued, and a `lost` of an epoch is never followed by its `offline`.
        var first = await Eventually.GetAsync(
            () => _stack.Api.CreateReader().GetFromJsonAsync<DetectorView>("/detectors/sa-00001"),
            d => d!.Status != Presence.Online,
            "sa-00001's clean stop (offline) is applied");
        output.WriteLine($"[observed] sa-00001: {first!.Status}, epoch {first.Epoch} seq {first.Seq}");
        Assert.Equal(Presence.Offline, first.Status);
    }

    [Fact]
    public async Task Run_CrashMode_TheWillSaysLostAndTheDetectorComesBackWithANewEpoch()
    {
        const int count = 50;
        var credentials = await SimulatedFleet.ProvisionAsync(_stack.Broker, _stack.ConnectionString, count, "sc-", _stack.Directory, output);
        var acked = Path.Combine(_stack.Directory, "acked.json");

        // Half a crash per detector per second, a will delay of 0: every crash is a `lost` the API must see.
        await using var sim = SimulatorProcess.Start(
            [
                "run", "--host", _stack.Broker.Host, "--port", Port, "--credentials", credentials, "--count", "50",
                "--crash-rate", "1800", "--will-delay", "0", "--heartbeat", "5", "--duration", "6", "--acked-out", acked,
            ],
            output);
        var summary = await sim.SummaryAsync(SimulatorTimeout, output);
        var crashes = summary.GetProperty("crashes").GetInt64();
        output.WriteLine($"[injected] {count} detectors crashing (socket closed without DISCONNECT) {crashes} times in 6 s, will delay 0");
        Assert.True(crashes > 0, "the simulator crashed detectors");
        Assert.True(summary.GetProperty("reconnects").GetInt64() > 0, "crashed detectors came back");

        var states = new AcceptedStates();
        states.Load(acked);
        await states.ConvergedAsync(_stack.Api.CreateReader(), TimeSpan.FromSeconds(30), output);

        // Some detector's history (newest first) shows a will of epoch E, then an online of a higher epoch.
        var reader = _stack.Api.CreateReader();
        var comeback = await Eventually.GetAsync(
            async () =>
            {
                foreach (var id in states.Snapshot.Keys)
                {
                    var history = await reader.GetFromJsonAsync<List<FleetEvent>>($"/detectors/{id}/history?type=lost&type=online&limit=100");
                    var chronological = history!.AsEnumerable().Reverse().ToList();
                    for (var i = 0; i + 1 < chronological.Count; i++)
                    {
                        var (lost, online) = (chronological[i], chronological[i + 1]);
                        if (lost.Type == EventTypes.Lost && online.Type == EventTypes.Online
                            && Epoch(online) > Epoch(lost) && lost.Data?["reason"]?.GetValue<string>() == "connection-lost")
                        {
                            return $"{id}: lost (epoch {Epoch(lost)}) at {lost.At:O}, online (epoch {Epoch(online)}) at {online.At:O}";
                        }
                    }
                }

                return null;
            },
            found => found is not null,
            "a detector's history shows lost (its will) followed by online with a newer epoch");
        output.WriteLine($"[observed] {comeback}");
    }

    [Fact]
    public async Task Run_ResyncRequested_EveryDetectorRepublishesItsStateWithTheNextSeq()
    {
        const int count = 30;
        var credentials = await SimulatedFleet.ProvisionAsync(_stack.Broker, _stack.ConnectionString, count, "sr-", _stack.Directory, output);
        var acked = Path.Combine(_stack.Directory, "acked.json");
        var reader = _stack.Api.CreateReader();

        // No heartbeats or rate-driven messages within the run: a second state can only come from the resync.
        await using var sim = SimulatorProcess.Start(
            [
                "run", "--host", _stack.Broker.Host, "--port", Port, "--credentials", credentials, "--count", "30",
                "--heartbeat", "3600", "--duration", "600", "--acked-out", acked,
            ],
            output);
        await Eventually.GetAsync(
            () => DetectorPages.AllAsync(reader),
            all => all.Count(d => d.Id.StartsWith("sr-", StringComparison.Ordinal) && d.Status == Presence.Online && d.Seq == 0) == count,
            "every simulated detector online with its first state");

        // What the API sends after it lost its session; a second API identity may publish it too.
        await using (var api2 = await MqttTestClient.ConnectAsync(_stack.Broker.Host, _stack.Broker.Port, "api-2", _stack.Broker.Api2Password, clientId: "api-2"))
        {
            await api2.PublishAsync(Fleet.Domain.Topics.FleetTopics.ControlResync, "{}", retain: false);
        }

        output.WriteLine($"[injected] {{}} on {Fleet.Domain.Topics.FleetTopics.ControlResync} with {count} simulated detectors online");
        await Eventually.GetAsync(
            () => DetectorPages.AllAsync(reader),
            all => all.Count(d => d.Id.StartsWith("sr-", StringComparison.Ordinal) && d.Seq == 1) == count,
            "every simulated detector republished (seq 1)");
        await sim.TerminateAsync();
        var summary = await sim.SummaryAsync(SimulatorTimeout, output);

        Assert.Equal(count, summary.GetProperty("resyncs").GetInt64());
        Assert.Equal(2 * count, summary.GetProperty("acked").GetInt64());
        var states = new AcceptedStates();
        states.Load(acked);
        Assert.All(states.Snapshot.Values, s => Assert.Equal(1, s.Seq));
        await states.ConvergedAsync(reader, TimeSpan.FromSeconds(30), output);
    }

    [Fact]
    public async Task Run_TunnelPort_EachDetectorNamesItsOwnStableHostOnThatPort()
    {
        const int count = 5;
        var credentials = await SimulatedFleet.ProvisionAsync(_stack.Broker, _stack.ConnectionString, count, "st-", _stack.Directory, output);
        var acked = Path.Combine(_stack.Directory, "acked.json");

        // The probe benchmark's shape: both tunnels on the detector's own host and the stand-in's port, so that one
        // Probe:Resolve entry per detector reaches its endpoint; URL churn moves the path only.
        await using var sim = SimulatorProcess.Start(
            [
                "run", "--host", _stack.Broker.Host, "--port", Port, "--credentials", credentials, "--count", "5",
                "--rate", "50", "--url-churn", "1", "--duration", "2", "--tunnel-port", "23456", "--acked-out", acked,
            ],
            output);
        var summary = await sim.SummaryAsync(SimulatorTimeout, output);

        Assert.Equal(count, summary.GetProperty("connected").GetInt32());
        var states = new AcceptedStates();
        states.Load(acked);
        Assert.Equal(count, states.Count);
        foreach (var (id, state) in states.Snapshot)
        {
            Assert.Equal($"tcp://{id}.sim.ngrok-free.app:23456", state.Tunnels["ssh"]);
            Assert.Matches($"^http://{id}\\.sim\\.ngrok-free\\.app:23456/v[0-9]+$", state.Tunnels["web"]);
        }

        Assert.Contains(states.Snapshot.Values, s => !s.Tunnels["web"].EndsWith("/v0", StringComparison.Ordinal));
        await states.ConvergedAsync(_stack.Api.CreateReader(), TimeSpan.FromSeconds(30), output);
    }

    [Fact]
    public async Task Count_SubscriberOnlyCounts_SeesEveryStateTheFleetPublished()
    {
        const int count = 20;
        var credentials = await SimulatedFleet.ProvisionAsync(_stack.Broker, _stack.ConnectionString, count, "sn-", _stack.Directory, output);
        var passwordFile = Path.Combine(_stack.Directory, "monitor-2.pw");
        await File.WriteAllTextAsync(passwordFile, _stack.Broker.Monitor2Password);

        await using var counter = SimulatorProcess.Start(
            ["count", "--host", _stack.Broker.Host, "--port", Port, "--username", "monitor-2", "--password-file", passwordFile, "--expect", "20", "--duration", "60"],
            output);
        await Eventually.TrueAsync(() => Task.FromResult(counter.Stderr.Contains("subscribed", StringComparison.Ordinal)), "the counter subscribed");
        await using var sim = SimulatorProcess.Start(
            ["run", "--host", _stack.Broker.Host, "--port", Port, "--credentials", credentials, "--count", "20", "--duration", "0"],
            output);
        await sim.SummaryAsync(SimulatorTimeout, output);
        var counted = await counter.SummaryAsync(SimulatorTimeout, output);

        output.WriteLine($"[observed] the counter received {counted.GetProperty("received")} state messages");
        Assert.Equal(count, counted.GetProperty("received").GetInt64());
    }

    private string Port => _stack.Broker.Port.ToString(CultureInfo.InvariantCulture);

    private static long Epoch(FleetEvent e) => e.Data?["epoch"]?.GetValue<long>() ?? -1;
}
