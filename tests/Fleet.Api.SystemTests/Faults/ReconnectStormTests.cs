using System.Diagnostics;
using System.Globalization;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Api.SystemTests.Simulator;
using Fleet.Domain.Messages;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReconnectStormGroup
{
    /// <summary>Alone, so the API's memory samples (in this process) are the API's, and the storm has the CPU.</summary>
    public const string Name = "Reconnect storm (runs alone)";
}

/// <summary>
/// Fault 14 of the reliability suite: a simulated fleet connected to Mosquitto, the broker killed (SIGKILL, no
/// persistence: it comes back knowing nothing) and started again on the same port. Every detector must come back on
/// its own jittered schedule (no herd), the API's memory must stay bounded while the backlog arrives, and every
/// acknowledged state must be shown within 120 s. 2,000 detectors with FLEET_FAULTS=full; 400 in the quick run.
/// </summary>
[Collection(ReconnectStormGroup.Name)]
[Trait("Category", "Fault")]
[Trait("Suite", "Long")]
public sealed class ReconnectStormTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly int Count = FaultDurations.Pick(2000, 400);
    private static readonly TimeSpan BrokerDown = FaultDurations.Pick(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2));
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);
    private SimulatedFleetStack _stack = null!;

    public async Task InitializeAsync() => _stack = await SimulatedFleetStack.StartAsync("reconnect_storm", "fleet-storm-");

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task BrokerKilledAndStartedAgain_FleetReconnectsWithJitter_MemoryBounded_AllAcceptedStatesShown()
    {
        var credentials = await SimulatedFleet.ProvisionAsync(_stack.Broker, _stack.ConnectionString, Count, "st-", _stack.Directory, output);
        var acked = Path.Combine(_stack.Directory, "acked.json");
        var reader = _stack.Api.CreateReader();
        var port = _stack.Broker.Port.ToString(CultureInfo.InvariantCulture);

        // Light background traffic through the storm (1 state/s per 100 detectors, a fifth of them new URLs, 2-minute
        // heartbeats): the storm itself is the load, 2 x Count messages at the reconnect and as many again for the
        // API's resync.
        await using var sim = SimulatorProcess.Start(
            [
                "run", "--host", _stack.Broker.Host, "--port", port, "--credentials", credentials,
                "--rate", (Count / 100).ToString(CultureInfo.InvariantCulture), "--url-churn", "0.2", "--heartbeat", "120",
                "--reconnect-min", "1", "--reconnect-max", "30", "--duration", "600", "--acked-out", acked,
            ],
            output);
        var before = await Eventually.GetAsync(
            () => DetectorPages.AllAsync(reader),
            all => all.Count(d => d.Status == Presence.Online) == Count,
            $"all {Count} detectors shown online before the fault",
            Within);
        var epochsBefore = before.ToDictionary(d => d.Id, d => d.Epoch ?? 0, StringComparer.Ordinal);
        var memory = MemorySampler.Start();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var baseline = memory.Latest;

        var watcher = await MonotonicWatcher.StartAsync(reader, output);
        System.Text.Json.JsonElement summary;
        try
        {
            var storm = Stopwatch.StartNew();
            await _stack.Broker.KillAsync();
            output.WriteLine($"[injected] {Count} detectors connected; mosquitto SIGKILLed (no persistence), down for {BrokerDown.TotalSeconds:0} s, started again on port {port}");
            await Task.Delay(BrokerDown);
            await _stack.Broker.StartAgainAsync();

            // Every detector is back when the API shows it online with a newer epoch (a new connection's online and state).
            await Eventually.GetAsync(
                () => DetectorPages.AllAsync(reader),
                all => all.Count(d => d.Status == Presence.Online && d.Epoch > epochsBefore[d.Id]) == Count,
                $"all {Count} detectors shown online with a newer epoch after the restart",
                Within);
            output.WriteLine($"[observed] all {Count} detectors online again with a new epoch {storm.Elapsed.TotalSeconds:0.0} s after the kill");

            await sim.TerminateAsync();
            summary = await sim.SummaryAsync(Within, output);
            var states = new AcceptedStates();
            states.Load(acked);
            Assert.Equal(Count, states.Count);
            await states.ConvergedAsync(reader, Within, output);
        }
        finally
        {
            await memory.DisposeAsync();
            await watcher.DisposeAsync();
        }

        watcher.AssertMonotonic();
        var spread = summary.GetProperty("reconnectSpread");
        var perSecond = spread.GetProperty("perSecond").EnumerateArray().Select(e => e.GetInt32()).ToList();
        output.WriteLine($"[observed] reconnect spread after the loss: first {spread.GetProperty("firstSeconds")} s, p50 {spread.GetProperty("p50Seconds")} s, " +
            $"p90 {spread.GetProperty("p90Seconds")} s, last {spread.GetProperty("lastSeconds")} s; per second: [{string.Join(", ", perSecond)}]");
        output.WriteLine($"[observed] API process memory (GC heap / working set, MB) every 500 ms from 1 s before the kill: {memory.Describe()}");
        output.WriteLine($"[observed] baseline {baseline}; peak GC heap {memory.PeakHeapMb:0} MB, peak working set {memory.PeakWorkingSetMb:0} MB");

        Assert.Equal(Count, spread.GetProperty("reconnected").GetInt32());
        Assert.True(perSecond.Max() < Count, "the fleet did not come back in one synchronized second");

        // Bounded, not a speed: the backlog of a whole fleet must not pile up in the API's memory.
        Assert.True(memory.PeakHeapMb < baseline.HeapMb + 256, $"GC heap peaked at {memory.PeakHeapMb:0} MB from a baseline of {baseline.HeapMb:0} MB");
    }
}
