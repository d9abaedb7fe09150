using System.Diagnostics;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Domain.Messages;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// Issue 7, faults 2 and 12: the link between the agent and the broker breaks (a fault proxy in between) while the
/// stand-in ngrok changes its URL, or flaps for a long time. The final URL wins, and the agent's memory, sockets and
/// threads come back to where they were.
/// </summary>
[Collection(AgentFaultGroup.Name)]
[Trait("Category", "Fault")]
[Trait("Suite", "Long")]
public sealed class AgentLinkFaultTests(AgentFaultDeployment stack, ITestOutputHelper output)
{
    [Fact]
    public async Task BrokerUnreachable_WhileTheUrlChangesTwice_FinalUrlWins_AndAgentMemoryStaysFlat()
    {
        var detector = await stack.ProvisionAsync("link");
        await using var proxy = TcpFaultProxy.Start(stack.Mosquitto.Host, stack.Mosquitto.Port);
        var ngrok = await stack.NgrokAgentAsync(detector, proxy.Port);
        await using var agent = ngrok.Agent;
        agent.Start();
        await AgentOutput.OnFailureAsync(output, () => UnreachableAsync(detector, proxy, ngrok), () => agent);
    }

    private async Task UnreachableAsync(EndToEnd.DetectorSetup detector, TcpFaultProxy proxy, AgentNgrok ngrok)
    {
        var agent = ngrok.Agent;
        using var reader = stack.Api.CreateReader();
        await using var watcher = await MonotonicWatcher.StartAsync(reader, output);
        var first = await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Online && v.Tunnels.Count == 1, "online with its first URL");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var baseline = AgentProcessProbe.Read(agent.ProcessId);
        output.WriteLine($"online: {AgentAcceptedState.Describe(first)}; agent baseline {baseline}");
        var clock = Stopwatch.StartNew();

        proxy.Blackhole();
        await ngrok.ControlAsync(new { changeUrl = "1" });
        output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s injected: blackhole (nothing passes, nobody is told), then ngrok URL change 1");
        var lost = await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Lost, "the broker gives up on the silent agent", AgentFaultTimings.OfflineBound + TimeSpan.FromSeconds(5));
        output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s observed: {AgentAcceptedState.Describe(lost)} (the will), URLs kept");

        proxy.Block();
        await ngrok.ControlAsync(new { changeUrl = "2" });
        output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s injected: reset (every connection RST), then ngrok URL change 2");
        await Task.Delay(TimeSpan.FromSeconds(3));
        proxy.Drip(8, TimeSpan.FromMilliseconds(400));
        output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s injected: drip (8 bytes every 400 ms: CONNECT cannot finish within the agent's 3 s timeout)");
        await Task.Delay(TimeSpan.FromSeconds(5));
        var during = AgentProcessProbe.Read(agent.ProcessId);
        proxy.Delay(TimeSpan.FromMilliseconds(300));
        output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s injected: 300 ms latency each way (the agent gets through, slowly); agent {during}");
        var slow = await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Online && v.Epoch > lost.Epoch, "online again through the slow link");
        output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s observed: {AgentAcceptedState.Describe(slow)}");
        proxy.Unblock();
        var healed = clock.Elapsed;
        output.WriteLine($"{healed.TotalSeconds,6:0.0} s healed");

        var (accepted, view) = await AgentAcceptedState.ConvergedAsync(stack, detector, TimeSpan.FromSeconds(15), output);
        output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s converged {(clock.Elapsed - healed).TotalSeconds:0.0} s after healing: accepted {accepted}, shown {AgentAcceptedState.Describe(view)}");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = AgentProcessProbe.Read(agent.ProcessId);
        output.WriteLine($"agent after: {after} (baseline {baseline})");

        watcher.AssertMonotonic();
        Assert.Equal(Presence.Online, view.Status);
        Assert.NotEqual(first.Tunnels[0].Url, view.Tunnels[0].Url);
        var started = AgentNgrok.StartedUrls(detector);
        output.WriteLine($"URLs the stand-in ngrok gave out, in order: {string.Join(", ", started)}");
        Assert.Equal(3, started.Distinct().Count());
        Assert.Equal(started[^1], view.Tunnels[0].Url);
        var urlEvents = (await stack.HistoryAsync(detector.Id)).Where(e => e.Type == "url-changed").ToList();
        output.WriteLine($"url-changed events: {string.Join(" | ", urlEvents.Select(e => e.Data?.ToJsonString()))}");
        Assert.Equal(view.Tunnels[0].Url, urlEvents[^1].Data?["to"]?.GetValue<string>());
        Assert.True(after.RssMb < baseline.RssMb + 25, $"RSS {after.RssMb:0.0} MB after vs {baseline.RssMb:0.0} MB before");
        Assert.True(after.Sockets <= baseline.Sockets + 1, $"sockets {after.Sockets} after vs {baseline.Sockets} before");
    }

    [Fact]
    public async Task FlappingLink_ConvergesAndSocketsHandlesAndMemoryReturnToBaseline()
    {
        var detector = await stack.ProvisionAsync("flap");
        await using var proxy = TcpFaultProxy.Start(stack.Mosquitto.Host, stack.Mosquitto.Port);
        var ngrok = await stack.NgrokAgentAsync(detector, proxy.Port);
        await using var agent = ngrok.Agent;
        agent.Start();
        await AgentOutput.OnFailureAsync(output, () => FlapAsync(detector, proxy, ngrok), () => agent);
    }

    private async Task FlapAsync(EndToEnd.DetectorSetup detector, TcpFaultProxy proxy, AgentNgrok ngrok)
    {
        var agent = ngrok.Agent;
        using var reader = stack.Api.CreateReader();
        await using var watcher = await MonotonicWatcher.StartAsync(reader, output);
        var first = await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Online && v.Tunnels.Count == 1, "online with its first URL");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var baseline = AgentProcessProbe.Read(agent.ProcessId);
        output.WriteLine($"online: {AgentAcceptedState.Describe(first)}; agent baseline {baseline}; proxy connections {proxy.OpenConnections}");

        var duration = FaultDurations.Pick(full: TimeSpan.FromMinutes(2), quick: TimeSpan.FromSeconds(30));
        var toggle = TimeSpan.FromSeconds(3);
        var clock = Stopwatch.StartNew();
        var toggles = 0;
        var outages = 0;
        var peak = baseline;
        while (clock.Elapsed < duration)
        {
            if (proxy.Fault != TcpFault.None)
            {
                proxy.Unblock();
            }
            else if (++outages % 3 == 0)
            {
                // Now and then the cell says so (RST) instead of going silent: the agent must reconnect.
                proxy.Block();
            }
            else
            {
                proxy.Blackhole();
            }

            toggles++;
            if (toggles == (int)(duration / toggle / 2))
            {
                await ngrok.ControlAsync(new { changeUrl = "mid-flap" });
                output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s injected: ngrok URL change in the middle of the flapping");
            }

            await Task.Delay(toggle);
            var now = AgentProcessProbe.Read(agent.ProcessId);
            peak = now.RssMb > peak.RssMb ? now : peak;
        }

        proxy.Unblock();
        output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s injected: link toggled {toggles} times every {toggle.TotalSeconds:0} s (blackhole; every 3rd outage a reset); healed; peak agent {peak}");
        var healed = clock.Elapsed;

        var (accepted, view) = await AgentAcceptedState.ConvergedAsync(stack, detector, AgentFaultTimings.OfflineBound + TimeSpan.FromSeconds(15), output);
        output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s converged {(clock.Elapsed - healed).TotalSeconds:0.0} s after healing: accepted {accepted}, shown {AgentAcceptedState.Describe(view)}");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = AgentProcessProbe.Read(agent.ProcessId);
        output.WriteLine($"agent after: {after} (baseline {baseline}); proxy connections {proxy.OpenConnections}");

        output.WriteLine($"reconnects: epoch {first.Epoch} -> {view.Epoch}");
        watcher.AssertMonotonic();
        Assert.Equal(Presence.Online, view.Status);
        Assert.True(view.Epoch > first.Epoch, "the resets made the agent reconnect");
        Assert.Equal(AgentNgrok.StartedUrls(detector)[^1], view.Tunnels[0].Url);
        Assert.NotEqual(first.Tunnels[0].Url, view.Tunnels[0].Url);
        Assert.Equal(1, proxy.OpenConnections);
        Assert.True(after.Sockets <= baseline.Sockets, $"sockets {after.Sockets} after vs {baseline.Sockets} before");
        Assert.True(after.Handles <= baseline.Handles + 1, $"handles {after.Handles} after vs {baseline.Handles} before");
        Assert.True(after.Threads <= baseline.Threads + 4, $"threads {after.Threads} after vs {baseline.Threads} before");
        Assert.True(after.RssMb < baseline.RssMb + 25, $"RSS {after.RssMb:0.0} MB after vs {baseline.RssMb:0.0} MB before");
    }
}
