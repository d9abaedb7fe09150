using Fleet.Domain.Messages;
using Fleet.Domain.Topics;

namespace Fleet.Api.SystemTests.EndToEnd;

/// <summary>
/// The agent binary with the static provider against Mosquitto, the API and PostgreSQL: presence, the will,
/// republishing after a broker restart and epoch recovery, all through real processes.
/// </summary>
public sealed class StaticAgentTests(FleetDeployment stack) : IClassFixture<FleetDeployment>
{
    private AgentProcess NewAgent(DetectorSetup detector, string url = "https://203.0.113.5:8443") => stack.StaticAgent(detector, url);

    [Fact]
    public async Task Agent_Started_AppearsOnline_AndSigtermShowsOffline()
    {
        var detector = await stack.ProvisionAsync("st");
        await using var agent = NewAgent(detector);

        agent.Start();
        var online = await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Online && v.Tunnels.Count == 1, "the agent's detector is online");
        agent.Terminate();
        await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("https://203.0.113.5:8443", online.Tunnels[0].Url);
        Assert.Equal("static", online.Provider?.Kind);
        var offline = await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Offline, "offline after SIGTERM");
        Assert.Equal(online.Epoch, offline.Epoch);
        Assert.DoesNotContain(detector.Password, agent.Output, StringComparison.Ordinal);
        Assert.All(Directory.EnumerateFiles(detector.WorkDirectory, "*", SearchOption.AllDirectories).Where(f => f != detector.PasswordFile),
            file => Assert.DoesNotContain(detector.Password, File.ReadAllText(file), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Agent_KilledHard_ShowsLostThroughItsWill()
    {
        var detector = await stack.ProvisionAsync("kill");
        await using var agent = NewAgent(detector);
        agent.Start();
        await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Online, "online");

        agent.KillHard();

        // Will delay (1 s) plus 1.5 keep-alive periods (7.5 s) bounds it; the wait only bounds a failure.
        await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Lost, "lost through the will");
    }

    [Fact]
    public async Task Resync_FromTheApi_IsAnsweredByRepublishing()
    {
        var detector = await stack.ProvisionAsync("rs");
        await using var agent = NewAgent(detector);
        agent.Start();
        var before = await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Online && v.Seq is not null, "online with a state");

        // The heartbeat is 30 s: a new seq sooner than that can only be the answer to the resync.
        await using (var api = await MqttTestClient.ConnectAsync(stack.Mosquitto.Host, stack.Mosquitto.Port, "api-2", stack.Mosquitto.Api2Password))
        {
            var result = await api.PublishAsync(FleetTopics.ControlResync, "{}", retain: false);
            Assert.True(result.IsSuccess, result.ReasonCode.ToString());
        }

        var after = await stack.WaitForDetectorAsync(detector.Id, v => v.Seq > before.Seq, "a republished state", TimeSpan.FromSeconds(20));
        Assert.Equal(before.Epoch, after.Epoch);
    }

    [Fact]
    public async Task Broker_Restarted_AgentRepublishesItsRetainedState()
    {
        var detector = await stack.ProvisionAsync("br");
        await using var agent = NewAgent(detector);
        agent.Start();
        var before = await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Online && v.Epoch is not null, "online with a state");

        // Without persistence the restarted broker has forgotten every retained message: only the agent can restore it.
        await stack.Mosquitto.RestartAsync();
        var lines = await MosquittoCli.SubscribeAsync(
            stack.Mosquitto.Host, stack.Mosquitto.Port, "monitor", stack.Mosquitto.MonitorPassword, FleetTopics.State(detector.Id), 1, TimeSpan.FromSeconds(30));

        Assert.Contains($"\"detectorId\":\"{detector.Id}\"", Assert.Single(lines), StringComparison.Ordinal);
        var after = await WithOutputAsync(agent, () => stack.WaitForDetectorAsync(detector.Id, v => v.Epoch > before.Epoch!.Value, "a new epoch after the reconnect"));
        Assert.Equal(Presence.Online, after.Status);
    }

    [Fact]
    public async Task StateDirectory_Deleted_EpochIsRecoveredFromRetainedState()
    {
        var detector = await stack.ProvisionAsync("ep");
        for (var run = 0; run < 2; run++)
        {
            await using var agent = NewAgent(detector);
            agent.Start();
            await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Online && v.Epoch == run + 1, $"run {run + 1} online");
            agent.Terminate();
            await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        Directory.Delete(detector.StateDirectory, recursive: true);
        await using var recovered = NewAgent(detector, "https://203.0.113.9");
        recovered.Start();

        var view = await stack.WaitForDetectorAsync(detector.Id, v => v.Tunnels.Any(t => t.Url == "https://203.0.113.9"), "the new state is accepted");
        Assert.Equal(3, view.Epoch);
        Assert.Equal(Presence.Online, view.Status);
    }

    [Fact]
    public async Task StatusAndCheck_DescribeTheRunningAgent()
    {
        var detector = await stack.ProvisionAsync("cmd");
        await using var agent = NewAgent(detector);
        agent.Start();
        await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Online, "online");
        await Eventually.TrueAsync(() => Task.FromResult(File.Exists(Path.Combine(detector.StateDirectory, "status.json"))), "status file");

        var (statusCode, status) = await agent.RunCommandAsync("status");
        var (checkCode, check) = await agent.RunCommandAsync("check");

        Assert.True(statusCode == 0, status);
        Assert.Contains("connected since", status, StringComparison.Ordinal);
        Assert.Contains("https://203.0.113.5:8443", status, StringComparison.Ordinal);
        Assert.True(checkCode == 0, check);
        Assert.Contains("All checks passed.", check, StringComparison.Ordinal);
        Assert.DoesNotContain(detector.Password, status + check, StringComparison.Ordinal);
    }

    private static async Task<T> WithOutputAsync<T>(AgentProcess agent, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}{Environment.NewLine}Agent output:{Environment.NewLine}{agent.Output}", ex);
        }
    }
}
