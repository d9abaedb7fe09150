using System.Diagnostics;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Api.SystemTests.Metrics;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// Issue 7, fault 3: the API's offline queue overflows. The API is stopped while 50 detectors change state 5 times each
/// and the broker keeps at most 10 messages for it (Mosquitto drops the rest without telling anyone). The final states
/// must still win: the API re-reads the retained states when it comes back.
/// </summary>
[Trait("Category", "Fault")]
[Trait("Suite", "Long")]
public sealed class OfflineQueueFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Detectors = 50;
    private const int Changes = 5;
    private const int QueueLimit = 10;

    private FaultStack _stack = null!;

    public async Task InitializeAsync() =>
        _stack = await FaultStack.StartAsync("fault_queue", new MosquittoBrokerOptions { MaxQueuedMessages = QueueLimit });

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task QueueOverflowWhileApiStopped_FinalStatesStillWin()
    {
        var api = await _stack.StartApiAsync();
        var accepted = new AcceptedStates();
        await using var detectors = await FaultDetectors.CreateAsync(_stack.Broker, accepted, "o", Detectors);
        await detectors.PublishRoundsAsync(epoch: 1, fromSeq: 0, toSeq: 0);
        using (var reader = api.CreateReader())
        {
            await accepted.ConvergedAsync(reader, TimeSpan.FromSeconds(15), output);
        }

        var clock = Stopwatch.StartNew();
        await api.StopAsync();
        var acked = await detectors.PublishRoundsAsync(epoch: 1, fromSeq: 1, toSeq: Changes);
        output.WriteLine($"[injected] API stopped (SIGTERM); {Detectors} detectors x {Changes} changes = {acked} states acknowledged by a broker with max_queued_messages {QueueLimit}");
        Assert.Equal(Detectors * Changes, acked);

        var restartAt = clock.Elapsed;
        await api.StartAgainAsync();
        using var after = api.CreateReader();
        var took = await accepted.ConvergedAsync(after, TimeSpan.FromSeconds(15), output);
        var metrics = await api.MetricsAsync();
        output.WriteLine($"[observed] every final state shown {took.TotalSeconds:0.0} s after the restart was ready ({(clock.Elapsed - restartAt).TotalSeconds:0.0} s after the start); the restarted API applied {metrics.Sum("fleet_ingest_applied_total", ("kind", "state"))} states and found {metrics.Sum("fleet_ingest_stale_total")} stale, of {acked} sent while it was down; API peak RSS {api.PeakRssMb:0} MB");

        // Proof that the queue did overflow, so the retained re-read (not the queue) brought the final states.
        var dropped = File.ReadLines(_stack.Broker.LogPath).Where(l => l.Contains("dropped", StringComparison.OrdinalIgnoreCase)).ToList();
        output.WriteLine($"[observed] broker log: {dropped.FirstOrDefault() ?? "(no drop reported)"} ({dropped.Count} lines)");
        Assert.True(metrics.Sum("fleet_ingest_applied_total", ("kind", "state")) < acked, "far fewer states reached the API than were sent");
    }
}
