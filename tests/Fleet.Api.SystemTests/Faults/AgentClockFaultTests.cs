using System.Diagnostics;
using System.Text.Json;
using Fleet.Api.SystemTests.EndToEnd;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// Issue 7, fault 13: agents whose clocks are days off (run under libfaketime, as a Pi without a real-time clock
/// before NTP) and a step of the API's own wall clock. Ordering never looks at either clock, and no one is marked
/// lost because a clock moved.
/// </summary>
[Collection(AgentFaultGroup.Name)]
[Trait("Category", "Fault")]
[Trait("Suite", "Long")]
public sealed class AgentClockFaultTests(AgentFaultDeployment stack, ITestOutputHelper output)
{
    private static readonly (string Name, string Offset)[] Skews = [("past", "-3d"), ("future", "+2d"), ("right", "+0")];

    [Fact]
    public async Task AgentClocksDaysOff_AndTheApiClockJumps_OrderingUnaffected_NoMassLost()
    {
        var faketime = Directory.EnumerateFiles("/usr/lib", "libfaketime.so.1", SearchOption.AllDirectories).FirstOrDefault()
            ?? throw new InvalidOperationException("libfaketime is missing: apt-get install -y faketime (.ci/run installs it)");
        List<(DetectorSetup Detector, AgentProcess Agent)> agents = [];
        try
        {
            foreach (var (name, offset) in Skews)
            {
                var detector = await stack.ProvisionAsync("clk" + name[..2]);
                var environment = new Dictionary<string, string>
                {
                    ["LD_PRELOAD"] = faketime,
                    ["FAKETIME"] = offset,
                    ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1",
                    ["FAKETIME_DONT_RESET"] = "1",
                };
                var agent = stack.StaticAgent(detector, $"https://203.0.113.3{agents.Count}:8443", heartbeat: "00:00:02", environment: environment);
                agents.Add((detector, agent));
                agent.Start();
            }

            await AgentOutput.OnFailureAsync(output, () => SkewAsync(agents), [.. agents.Select(a => (Func<AgentProcess?>)(() => a.Agent))]);
        }
        finally
        {
            stack.Clock.Offset = TimeSpan.Zero;
            foreach (var (_, agent) in agents)
            {
                await agent.DisposeAsync();
            }
        }
    }

    private async Task SkewAsync(List<(DetectorSetup Detector, AgentProcess Agent)> agents)
    {
        await using var monitor = await MqttTestClient.ConnectAsync(stack.Mosquitto.Host, stack.Mosquitto.Port, "monitor", stack.Mosquitto.MonitorPassword);
        foreach (var (detector, _) in agents)
        {
            await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Online && v.Seq >= 1, "online and heartbeating");
            await monitor.SubscribeAsync(FleetTopics.State(detector.Id));
        }

        for (var i = 0; i < agents.Count; i++)
        {
            var (_, payload) = await monitor.WaitForMessageAsync((topic, _) => topic == FleetTopics.State(agents[i].Detector.Id), TimeSpan.FromSeconds(10));
            var sentAt = JsonSerializer.Deserialize(payload, FleetJsonContext.Default.StateMessage)!.SentAt ?? throw new InvalidDataException("no sentAt");
            output.WriteLine($"agent '{Skews[i].Name}' (faketime {Skews[i].Offset}) says sentAt {sentAt:O}: {(sentAt - DateTimeOffset.UtcNow).TotalHours:0} h off the real clock");
            if (Skews[i].Offset != "+0")
            {
                Assert.True(Math.Abs((sentAt - DateTimeOffset.UtcNow).TotalHours) > 24, "the agent's clock is days off");
            }
        }

        using var reader = stack.Api.CreateReader();
        await using var watcher = await MonotonicWatcher.StartAsync(reader, output);
        List<AgentPresenceLog> presence = [.. agents.Select(a => new AgentPresenceLog(stack, a.Detector.Id))];
        var before = await Task.WhenAll(agents.Select(a => stack.GetAsync(a.Detector.Id)));
        var clock = Stopwatch.StartNew();

        stack.Clock.Offset = TimeSpan.FromDays(2);
        output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s injected: the API's wall clock steps 2 days forward (monotonic time runs on)");
        var settle = FaultDurations.Pick(full: TimeSpan.FromSeconds(30), quick: TimeSpan.FromSeconds(7));
        await Task.Delay(settle);
        stack.Clock.Offset = TimeSpan.FromHours(-6);
        output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s injected: the API's wall clock steps back to 6 h behind");
        await Task.Delay(settle);
        stack.Clock.Offset = TimeSpan.Zero;
        output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s injected: the API's wall clock back to true time");
        await Task.Delay(TimeSpan.FromSeconds(3));

        var after = await Task.WhenAll(agents.Select(a => stack.GetAsync(a.Detector.Id)));
        foreach (var log in presence)
        {
            await log.DisposeAsync();
        }

        for (var i = 0; i < agents.Count; i++)
        {
            output.WriteLine($"observed '{Skews[i].Name}': seq {before[i]!.Seq} -> {after[i]!.Seq} (epoch {after[i]!.Epoch}); status {presence[i]}");
        }

        var lostEvents = (await Task.WhenAll(agents.Select(a => stack.HistoryAsync(a.Detector.Id)))).SelectMany(h => h).Where(e => e.Type == "lost").ToList();
        output.WriteLine($"observed: {lostEvents.Count} lost events");
        watcher.AssertMonotonic();
        Assert.Empty(lostEvents);
        for (var i = 0; i < agents.Count; i++)
        {
            Assert.All(presence[i].Changes, c => Assert.Equal(Presence.Online, c.Status));
            Assert.Equal(before[i]!.Epoch, after[i]!.Epoch);
            Assert.True(after[i]!.Seq > before[i]!.Seq + 5, $"'{Skews[i].Name}' heartbeats kept being applied");
        }
    }
}
