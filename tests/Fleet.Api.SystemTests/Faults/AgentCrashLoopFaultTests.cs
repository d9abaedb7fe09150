using System.Diagnostics;
using Fleet.Api.SystemTests.EndToEnd;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Domain.Messages;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// Issue 7, fault 9: the agent crashes (SIGKILL) as soon as it has published, over and over (100 times with
/// FLEET_FAULTS=full). Every start takes a new epoch, the final state is right, and the database row is written a
/// bounded number of times per start, whatever the rate of restarts.
/// </summary>
[Collection(AgentFaultGroup.Name)]
[Trait("Category", "Fault")]
[Trait("Suite", "Long")]
public sealed class AgentCrashLoopFaultTests(AgentFaultDeployment stack, ITestOutputHelper output)
{
    [Fact]
    public async Task AgentCrashLoop_EachStartANewEpoch_FinalStateCorrect_RowWrittenAtABoundedRate()
    {
        var restarts = FaultDurations.Pick(full: 100, quick: 6);
        var detector = await stack.ProvisionAsync("loop");
        using var reader = stack.Api.CreateReader();
        await using var watcher = await MonotonicWatcher.StartAsync(reader, output);
        var writesBefore = stack.AppliedWrites;
        var clock = Stopwatch.StartNew();
        List<long> epochs = [];
        AgentProcess? agent = null;
        await AgentOutput.OnFailureAsync(
            output,
            async () =>
            {
                for (var start = 1; start <= restarts; start++)
                {
                    agent = stack.StaticAgent(detector, $"https://198.51.100.{start % 250}:8443");
                    agent.Start();
                    var previous = epochs.Count > 0 ? epochs[^1] : 0;
                    await Eventually.TrueAsync(
                        () => Task.FromResult(AgentAcceptedState.Read(detector) is { } a && a.Epoch > previous),
                        $"start {start} publishes with a new epoch");
                    epochs.Add(AgentAcceptedState.Read(detector)!.Epoch);
                    if (start < restarts)
                    {
                        agent.KillHard();
                        await agent.WaitForExitAsync(TimeSpan.FromSeconds(10));
                        await agent.DisposeAsync();
                    }
                }
            },
            () => agent);
        var loop = clock.Elapsed;
        output.WriteLine($"injected: {restarts} starts, each killed (SIGKILL) right after its first acknowledged state, over {loop.TotalSeconds:0.0} s");
        output.WriteLine($"epochs taken: {string.Join(" ", epochs)}");

        await using (agent)
        {
            var (accepted, view) = await AgentAcceptedState.ConvergedAsync(stack, detector, TimeSpan.FromSeconds(15), output);
            var writes = stack.AppliedWrites - writesBefore;
            var events = await stack.HistoryAsync(detector.Id);
            var byType = events.GroupBy(e => e.Type).Select(g => $"{g.Key} {g.Count()}");
            output.WriteLine($"observed: final {AgentAcceptedState.Describe(view)} (accepted {accepted}); {writes} row writes (applied messages) for {restarts} starts = {(double)writes / restarts:0.00} per start, {writes / loop.TotalSeconds:0.00}/s; events: {string.Join(", ", byType)}");

            watcher.AssertMonotonic();
            Assert.Equal(restarts, epochs.Count);
            Assert.Equal(epochs.Order(), epochs);
            Assert.Equal(epochs.Count, epochs.Distinct().Count());
            Assert.Equal(Presence.Online, view.Status);
            Assert.Equal(epochs[^1], view.Epoch);
            Assert.Equal($"https://198.51.100.{restarts % 250}:8443", view.Tunnels.Single().Url);

            // Per start: online, its state, and at most a will (lost) of the killed connection. Nothing multiplies.
            Assert.InRange(writes, restarts, 3L * restarts);
            Assert.InRange(events.Count, restarts, 4 * restarts);
        }
    }
}
