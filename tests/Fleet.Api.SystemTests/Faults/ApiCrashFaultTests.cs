using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Api.SystemTests.Metrics;
using Fleet.Domain.Topics;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// Issue 7, fault 5: the API process dies. Killed between commit and acknowledgement (the redelivered duplicate is
/// a no-op); SIGKILLed and restarted within its session expiry (the broker's queue delivers what was sent meanwhile);
/// down for longer than its session expiry (the retained states and the resync repair it). The detectors here are
/// plain MQTT clients that never answer a resync, so convergence proves what the broker session or retained copy did.
/// </summary>
[Trait("Category", "Fault")]
[Trait("Suite", "Long")]
public sealed class ApiCrashFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan NothingLostWithin = TimeSpan.FromSeconds(15);

    private FaultStack _stack = null!;

    public async Task InitializeAsync() => _stack = await FaultStack.StartAsync("fault_api");

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task ApiKilledAfterCommitBeforeAck_RedeliveredDuplicate_IsANoOp()
    {
        var api = await _stack.StartApiAsync(extra: new Dictionary<string, string?> { ["Ingest:Faults:KillAfterCommits"] = "1" });
        var accepted = new AcceptedStates();
        await using var detectors = await FaultDetectors.CreateAsync(_stack.Broker, accepted, "k", 1);
        var id = detectors.Ids[0];

        var clock = Stopwatch.StartNew();
        Assert.True(await detectors.PublishStateAsync(id, 1, 0));
        await api.WaitForExitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"[injected] Ingest:Faults:KillAfterCommits=1; one state published; the API killed itself after its first commit (exit {api.ExitCode}) at {clock.Elapsed.TotalSeconds:0.00} s");

        api.Configure("Ingest:Faults:KillAfterCommits", null);
        var restartAt = clock.Elapsed;
        await api.StartAgainAsync();
        await api.WaitReadyAsync();
        using var reader = api.CreateReader();
        await accepted.ConvergedAsync(reader, NothingLostWithin, output);
        var converged = clock.Elapsed;

        // The commit happened before the kill, so the redelivery must find the row already there and change nothing.
        await Eventually.TrueAsync(
            async () => (await api.MetricsAsync()).Sum("fleet_ingest_stale_total", ("kind", "state")) >= 1,
            "the redelivered duplicate counted as stale by the restarted API");
        var history = await reader.GetFromJsonAsync<JsonElement>($"/detectors/{id}/history");
        var types = history.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        output.WriteLine($"[observed] restarted at {restartAt.TotalSeconds:0.00} s, converged at {converged.TotalSeconds:0.00} s; session present on reconnect: {SessionPresent(api)}; events: {string.Join(", ", types)}");
        Assert.Equal(types.Count, types.Distinct().Count());
        Assert.Contains("registered", types);
        Assert.True(SessionPresent(api), "the restarted API found its session (the redelivery came from it)");
    }

    [Fact]
    public async Task ApiSigkilled_RestartedWithinSessionExpiry_QueuedMessagesArrive()
    {
        var api = await _stack.StartApiAsync();
        var accepted = new AcceptedStates();
        await using var detectors = await FaultDetectors.CreateAsync(_stack.Broker, accepted, "q", 20);
        await detectors.PublishRoundsAsync(epoch: 1, fromSeq: 0, toSeq: 0);
        using (var reader = api.CreateReader())
        {
            await accepted.ConvergedAsync(reader, NothingLostWithin, output);
        }

        var clock = Stopwatch.StartNew();
        await api.KillAsync();

        // Not retained: only the API's session queue can bring these back, not the re-read of retained messages.
        var acked = await detectors.PublishRoundsAsync(epoch: 1, fromSeq: 1, toSeq: 3, retain: false);
        output.WriteLine($"[injected] SIGKILL of the API; while it was down the broker acknowledged {acked} non-retained states (20 detectors × seq 1..3) in {clock.Elapsed.TotalSeconds:0.00} s");
        Assert.Equal(60, acked);

        var restartAt = clock.Elapsed;
        await api.StartAgainAsync();
        using var after = api.CreateReader();
        await accepted.ConvergedAsync(after, NothingLostWithin, output);
        output.WriteLine($"[observed] restarted at {restartAt.TotalSeconds:0.00} s, every accepted state shown at {clock.Elapsed.TotalSeconds:0.00} s ({(clock.Elapsed - restartAt).TotalSeconds:0.00} s after the restart); session present: {SessionPresent(api)}");
        Assert.True(SessionPresent(api), "the broker kept the API's session");
    }

    [Fact]
    public async Task ApiDownLongerThanSessionExpiry_RetainedStateAndResync_RepairIt()
    {
        var expiry = TimeSpan.FromSeconds(2);
        var api = await _stack.StartApiAsync(extra: new Dictionary<string, string?> { ["Mqtt:SessionExpiry"] = expiry.ToString() });
        var accepted = new AcceptedStates();
        await using var detectors = await FaultDetectors.CreateAsync(_stack.Broker, accepted, "x", 20);
        var watchResync = detectors.Client(detectors.Ids[0]);
        await watchResync.SubscribeAsync(FleetTopics.ControlResync);
        await detectors.PublishRoundsAsync(epoch: 1, fromSeq: 0, toSeq: 0);
        using (var reader = api.CreateReader())
        {
            await accepted.ConvergedAsync(reader, NothingLostWithin, output);
        }

        var clock = Stopwatch.StartNew();
        await api.KillAsync();
        var acked = await detectors.PublishRoundsAsync(epoch: 1, fromSeq: 1, toSeq: 3);

        // Mosquitto expires sessions in its main loop; waiting a few expiry periods makes sure this one is gone.
        await Task.Delay(expiry * 3);
        output.WriteLine($"[injected] SIGKILL of the API with Mqtt:SessionExpiry={expiry}; {acked} states acknowledged while it was down; restarted after {clock.Elapsed.TotalSeconds:0.00} s");

        var restartAt = clock.Elapsed;
        await api.StartAgainAsync();
        using var after = api.CreateReader();
        await accepted.ConvergedAsync(after, NothingLostWithin, output);
        var resync = await watchResync.WaitForMessageAsync((topic, _) => topic == FleetTopics.ControlResync, TimeSpan.FromSeconds(10));
        output.WriteLine($"[observed] session present on reconnect: {SessionPresent(api)}; resync signal seen by a detector: {resync.Payload}; every accepted state shown {(clock.Elapsed - restartAt).TotalSeconds:0.00} s after the restart");
        Assert.False(SessionPresent(api), "the session had expired, so the API subscribed again");
    }

    /// <summary>What the API said about its latest connect, e.g. "(session present: True)".</summary>
    private static bool SessionPresent(ApiProcess api)
    {
        var line = api.Log.Split('\n').LastOrDefault(l => l.Contains("Connected to the MQTT broker", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("the API never logged a connect");
        return line.Contains("session present: True", StringComparison.Ordinal);
    }
}
