using System.Diagnostics;
using Fleet.Api.SystemTests.Faults.Support;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// Issue 7, fault 1: the broker goes away under the API and real agent processes. Stopped cleanly and started again;
/// SIGKILLed with stale persistence (the restarted broker replays retained states and a session from its last save,
/// older than what the agents had since published); SIGSTOPped, a half-open link every client has to notice by its
/// keep-alive; and SIGKILLed before it ever saved, so the API comes back without its session and asks for a resync.
/// Each time every agent's accepted state (its retained state on the broker) must be shown again within
/// the bound, and nothing may ever be shown going backwards.
/// </summary>
[Trait("Category", "Fault")]
[Trait("Suite", "Long")]
public sealed class BrokerFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Agents = 3;
    private static readonly TimeSpan NothingLostWithin = TimeSpan.FromSeconds(15);

    private FaultStack _stack = null!;

    public async Task InitializeAsync() =>
        _stack = await FaultStack.StartAsync("fault_broker", new MosquittoBrokerOptions { Persistence = true, AutosaveIntervalSeconds = 1800 });

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task BrokerKilledOrStopped_WithMissingOrStalePersistence_EveryAcceptedStateShownAgain()
    {
        var api = await _stack.StartApiAsync();
        await using var agents = await FaultAgents.StartAsync(_stack.Broker, "bk", Agents);
        using var reader = api.CreateReader();
        var epoch = await ConvergedAsync(api, agents, reader, minEpoch: 1, "agents started");
        await using var watcher = await MonotonicWatcher.StartAsync(reader, output);

        // 1. Killed before it ever saved: it comes back empty, without the API's session and without retained states.
        var clock = Stopwatch.StartNew();
        await _stack.Broker.KillAsync();
        await _stack.Broker.StartAgainAsync();
        output.WriteLine($"[injected] broker SIGKILLed before any save (autosave 1800 s) and started again in {clock.Elapsed.TotalSeconds:0.0} s: no session, no retained state");
        epoch = await ConvergedAsync(api, agents, reader, epoch + 1, "after the kill without persistence");
        Assert.True(ConnectLines(api).Count(l => l.Contains("Asked every agent to republish", StringComparison.Ordinal)) >= 2, "the API found no session after the kill and asked for a resync");

        // 2. Stopped cleanly: it saves, and comes back with the sessions and retained states.
        clock.Restart();
        await _stack.Broker.StopAsync();
        await _stack.Broker.StartAgainAsync();
        output.WriteLine($"[injected] broker stopped cleanly (SIGTERM, persistence saved) and started again in {clock.Elapsed.TotalSeconds:0.0} s");
        var saved = epoch;
        epoch = await ConvergedAsync(api, agents, reader, epoch + 1, "after the clean restart");

        // 3. Killed again: it comes back with the save of step 2, older than what the agents published since.
        clock.Restart();
        await _stack.Broker.KillAsync();
        await _stack.Broker.StartAgainAsync();
        output.WriteLine($"[injected] broker SIGKILLed with stale persistence (it replays the retained states of epoch {saved} and the API's old session) and started again in {clock.Elapsed.TotalSeconds:0.0} s");
        await ConvergedAsync(api, agents, reader, epoch + 1, "after the kill with stale persistence");
        output.WriteLine($"[observed] the API's connects: {string.Join(" | ", ConnectLines(api).Select(l => l[(l.IndexOf("] ", StringComparison.Ordinal) + 2)..]))}");
        watcher.AssertMonotonic();
    }

    [Fact]
    public async Task BrokerPaused_HalfOpenLink_ApiAndAgentsNoticeAndConverge()
    {
        var api = await _stack.StartApiAsync();
        await using var agents = await FaultAgents.StartAsync(_stack.Broker, "bp", Agents);
        using var reader = api.CreateReader();
        var before = await ConvergedAsync(api, agents, reader, minEpoch: 1, "agents started");
        await using var watcher = await MonotonicWatcher.StartAsync(reader, output);

        var pause = FaultDurations.Pick(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(15));
        var clock = Stopwatch.StartNew();
        await _stack.Broker.PauseAsync();
        using var probe = new HttpClient { BaseAddress = api.BaseAddress };
        var unready = await Eventually.GetAsync(
            async () => (int)(await probe.GetAsync("/health/ready")).StatusCode,
            status => status == 503,
            "the API notices the silent broker (readiness 503)",
            pause + TimeSpan.FromSeconds(30));
        var noticedAfter = clock.Elapsed;
        var left = pause - clock.Elapsed;
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }

        await _stack.Broker.ResumeAsync();
        output.WriteLine($"[injected] broker SIGSTOPped for {clock.Elapsed.TotalSeconds:0.0} s (sockets open, nothing answers), then SIGCONT; the API's readiness went {unready} after {noticedAfter.TotalSeconds:0.0} s");
        await ConvergedAsync(api, agents, reader, before + 1, "after SIGCONT");
        await api.WaitReadyAsync();
        output.WriteLine($"[observed] the API's connects: {string.Join(" | ", ConnectLines(api))}");
        watcher.AssertMonotonic();
    }

    /// <summary>
    /// Waits (bounded) until every agent has reconnected (its retained state has at least <paramref name="minEpoch"/>),
    /// then checks that the API shows exactly the retained states within the bound. Returns the lowest epoch seen.
    /// </summary>
    private async Task<long> ConvergedAsync(ApiProcess api, FaultAgents agents, HttpClient reader, long minEpoch, string when)
    {
        var clock = Stopwatch.StartNew();
        AcceptedStates accepted;
        try
        {
            accepted = await Eventually.GetAsync(
                async () =>
                {
                    try
                    {
                        return await RetainedStates.ReadAsync(_stack.Broker, agents.Ids);
                    }
                    catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or MQTTnet.Exceptions.MqttCommunicationException)
                    {
                        return new AcceptedStates();
                    }
                },
                states => states.Count == agents.Ids.Count && states.Snapshot.Values.All(s => s.Epoch >= minEpoch),
                $"every agent reconnected with epoch >= {minEpoch} ({when})",
                TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            output.WriteLine(agents.OutputTail(15));
            throw;
        }

        var reconnected = clock.Elapsed;
        try
        {
            var took = await accepted.ConvergedAsync(reader, NothingLostWithin, output);
            output.WriteLine($"[observed] {when}: agents' accepted states (epochs {string.Join(", ", accepted.Snapshot.Values.Select(s => s.Epoch))}) on the broker after {reconnected.TotalSeconds:0.0} s, shown by the API {took.TotalSeconds:0.0} s later");
        }
        catch
        {
            output.WriteLine(api.LogTail(40));
            throw;
        }

        return accepted.Snapshot.Values.Min(s => s.Epoch);
    }

    private static IEnumerable<string> ConnectLines(ApiProcess api) =>
        api.Log.Split('\n').Where(l => l.Contains("Connected to the MQTT broker", StringComparison.Ordinal) || l.Contains("Asked every agent", StringComparison.Ordinal))
            .Select(l => l.Trim());
}
