using System.Diagnostics;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Api.SystemTests.Metrics;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// Issue 7, fault 6: two API processes share the stream through one MQTT 5 shared subscription; one is SIGKILLed while
/// detectors publish. The survivor must take over: every accepted state shown, nothing ever shown going backwards.
/// </summary>
[Trait("Category", "Fault")]
[Trait("Suite", "Long")]
public sealed class SharedSubscriptionFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Detectors = 20;
    private static readonly Dictionary<string, string?> Shared = new() { ["Mqtt:SharedGroup"] = "fleet-api" };

    private FaultStack _stack = null!;

    public async Task InitializeAsync() => _stack = await FaultStack.StartAsync("fault_shared");

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task OneOfTwoInstancesKilledMidStream_SurvivorTakesOver_NoLossNoRegression()
    {
        var victim = await _stack.StartApiAsync("api-1", extra: Shared);
        var survivor = await _stack.StartApiAsync("api-2", second: true, extra: Shared);
        var accepted = new AcceptedStates();
        await using var detectors = await FaultDetectors.CreateAsync(_stack.Broker, accepted, "sf", Detectors);
        using var reader = survivor.CreateReader();
        await using var watcher = await MonotonicWatcher.StartAsync(reader, output);

        var streamFor = FaultDurations.Pick(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(4));
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var published = 0;
        var stream = Task.WhenAll(detectors.Ids.Select(id => Task.Run(async () =>
        {
            for (long seq = 0; !stop.IsCancellationRequested; seq++)
            {
                if (await detectors.PublishStateAsync(id, 1, seq))
                {
                    Interlocked.Increment(ref published);
                }

                await Task.Delay(200);
            }
        })));

        await Task.Delay(streamFor / 2);

        // The kill must hit a member that is really taking its share (on a loaded machine its first commit can lag).
        var victimHandled = await Eventually.GetAsync(
            async () =>
            {
                var metrics = await victim.MetricsAsync();
                return metrics.Sum("fleet_ingest_applied_total") + metrics.Sum("fleet_ingest_stale_total");
            },
            handled => handled > 0,
            "api-1 has handled part of the stream",
            TimeSpan.FromSeconds(30));
        await victim.KillAsync();
        var killedAt = clock.Elapsed;
        await Task.Delay(streamFor / 2);
        await stop.CancelAsync();
        await stream;
        output.WriteLine($"[injected] {Detectors} detectors streaming states every 200 ms for {streamFor.TotalSeconds:0} s through $share/fleet-api; api-1 (which had handled {victimHandled} messages) SIGKILLed at {killedAt.TotalSeconds:0.0} s; {published} states acknowledged in all");

        TimeSpan took;
        try
        {
            took = await accepted.ConvergedAsync(reader, TimeSpan.FromSeconds(15), output);
        }
        catch
        {
            output.WriteLine(survivor.LogTail(60));
            output.WriteLine(victim.LogTail(30));
            throw;
        }

        var survivorMetrics = await survivor.MetricsAsync();
        var tookOver = survivor.Log.Contains("Another API instance of the shared group went offline", StringComparison.Ordinal);
        output.WriteLine($"[observed] the survivor shows every accepted state {took.TotalSeconds:0.0} s after the stream stopped ({(clock.Elapsed - killedAt).TotalSeconds:0.0} s after the kill); survivor applied {survivorMetrics.Sum("fleet_ingest_applied_total")}, stale {survivorMetrics.Sum("fleet_ingest_stale_total")}; it re-read the retained states after the peer's will: {tookOver}; survivor peak RSS {survivor.PeakRssMb:0} MB");
        watcher.AssertMonotonic();
        Assert.True(tookOver, "the survivor noticed the dead peer");
    }
}
