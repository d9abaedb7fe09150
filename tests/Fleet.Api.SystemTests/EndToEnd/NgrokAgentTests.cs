using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;

namespace Fleet.Api.SystemTests.EndToEnd;

/// <summary>
/// The agent binary supervising the stand-in ngrok (a real process serving ngrok's local API), publishing
/// through Mosquitto to the API on PostgreSQL.
/// </summary>
public sealed class NgrokAgentTests(FleetDeployment stack) : IClassFixture<FleetDeployment>
{
    private sealed record Setup(DetectorSetup Detector, AgentProcess Agent, string ControlFile, string Authtoken);

    private const string FallbackUrl = "https://fallback.example.net";

    private async Task<Setup> StartAsync(string prefix, string minRestart = "00:00:00.200", bool failover = false, string initialControl = "{}")
    {
        var detector = await stack.ProvisionAsync(prefix);
        var authtoken = "FAKE-AUTHTOKEN-" + Guid.NewGuid().ToString("N");
        var config = Path.Combine(detector.WorkDirectory, "ngrok.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 2
            authtoken: {authtoken}
            web_addr: 127.0.0.1:{FreePort.Next()}
            tunnels:
              web:
                proto: http
                addr: 80
            """);
        var control = Path.Combine(detector.WorkDirectory, "ngrok-control.json");
        await File.WriteAllTextAsync(control, initialControl);
        var agent = new AgentProcess(
            detector.WorkDirectory,
            new
            {
                DetectorId = detector.Id,
                StateDirectory = detector.StateDirectory,
                LogDirectory = detector.LogDirectory,
                Heartbeat = "00:00:30",
                Provider = "ngrok",
                Providers = failover ? new[] { "ngrok", "static" } : [],
                Ngrok = new
                {
                    Binary = RepositoryPaths.FakeNgrok,
                    ConfigFiles = new[] { config },
                    PollInterval = "00:00:01",
                    RestartMinDelay = minRestart,
                    RestartMaxDelay = "00:00:05",
                },
                Static = new { Tunnels = new[] { new { Name = "web", Url = FallbackUrl, Proto = "https" } } },
                Failover = new { RetryPreferredAfter = "00:00:02", RetryPreferredMax = "00:00:04", TrialTimeout = "00:00:30" },
                Mqtt = stack.MqttSection(detector),
            },
            new Dictionary<string, string> { ["FAKE_NGROK_CONTROL"] = control });
        agent.Start();
        return new Setup(detector, agent, control, authtoken);
    }

    private static Task ControlAsync(Setup setup, object control) =>
        File.WriteAllTextAsync(setup.ControlFile, JsonSerializer.Serialize(control));

    [Fact]
    public async Task Ngrok_UrlAppears_FollowsAChange_AndShowsOfflineAfterSigterm_WithoutLeakingTheAuthtoken()
    {
        var setup = await StartAsync("ng");
        await using var agent = setup.Agent;
        var id = setup.Detector.Id;

        var first = await stack.WaitForDetectorAsync(id, v => v.Tunnels.Any(t => t.Url.EndsWith(".ngrok-free.app", StringComparison.Ordinal)), "the ngrok URL appears");
        var firstUrl = first.Tunnels.Single(t => t.Name == "web").Url;
        await ControlAsync(setup, new { changeUrl = "1" });
        var changed = await stack.WaitForDetectorAsync(id, v => v.Tunnels.Any(t => t.Name == "web" && t.Url != firstUrl), "the new URL");
        var retained = await MosquittoCli.SubscribeAsync(
            stack.Mosquitto.Host, stack.Mosquitto.Port, "monitor", stack.Mosquitto.MonitorPassword, $"fleet/v1/detectors/{id}/#", 2, TimeSpan.FromSeconds(10));
        agent.Terminate();
        await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await stack.WaitForDetectorAsync(id, v => v.Status == Presence.Offline, $"offline after SIGTERM. Agent output:{Environment.NewLine}{agent.Output}");

        Assert.Equal("ngrok", changed.Provider?.Kind);
        Assert.Equal("running", changed.Provider?.State);
        Assert.Equal("https", changed.Tunnels.Single(t => t.Name == "web").Proto);
        string[] everything =
        [
            agent.Output,
            string.Join('\n', retained),
            .. Directory.EnumerateFiles(setup.Detector.WorkDirectory, "*", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith("ngrok.yml", StringComparison.Ordinal) && f != setup.Detector.PasswordFile)
                .Select(File.ReadAllText),
        ];
        Assert.Contains(everything, text => text.Contains("started tunnel", StringComparison.Ordinal));
        Assert.All(everything, text => Assert.DoesNotContain(setup.Authtoken, text, StringComparison.Ordinal));
        Assert.All(everything, text => Assert.DoesNotContain(setup.Detector.Password, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ngrok_Crashes_AgentReportsCrashed_RestartsItWithBackoff_AndPublishesTheNewUrl()
    {
        var setup = await StartAsync("cr", minRestart: "00:00:03");
        await using var agent = setup.Agent;
        var id = setup.Detector.Id;
        var before = await stack.WaitForDetectorAsync(id, v => v.Provider?.State == "running" && v.Tunnels.Count > 0, "running");

        await ControlAsync(setup, new { crash = true, exitCode = 3 });
        var crashed = await stack.WaitForDetectorAsync(id, v => v.Provider?.State == "crashed", "crashed is reported");
        await ControlAsync(setup, new { crash = false });
        var after = await stack.WaitForDetectorAsync(
            id, v => v.Provider?.State == "running" && v.Tunnels.Count > 0 && v.Tunnels[0].Url != before.Tunnels[0].Url, "running again with a new URL");

        Assert.Empty(crashed.Tunnels);
        Assert.True(after.Provider!.Restarts >= 1, $"restarts {after.Provider.Restarts}");
    }

    [Fact]
    public async Task Ngrok_TooManySessions_IsReportedAsProviderError()
    {
        var setup = await StartAsync("e108", minRestart: "00:00:03");
        await using var agent = setup.Agent;
        await stack.WaitForDetectorAsync(setup.Detector.Id, v => v.Provider?.State == "running", "running");

        await ControlAsync(setup, new { error = "ERR_NGROK_108" });

        var view = await stack.WaitForDetectorAsync(setup.Detector.Id, v => v.Provider?.State == "error", "the error is reported");
        Assert.Equal("ERR_NGROK_108", view.Provider!.Error);
        Assert.Empty(view.Tunnels);
    }

    [Fact]
    public async Task Ngrok_SessionLimit_AgentFailsOverToTheNextProvider_TheApiShowsIt_AndItReturnsWhenTheErrorClears()
    {
        // The agent binary, the stand-in ngrok failing with the free plan's session limit from the start, Mosquitto and
        // the API on PostgreSQL: the switch is seen where operators see it, in GET /detectors, its filter and history.
        var setup = await StartAsync("fo", failover: true, initialControl: """{"error": "ERR_NGROK_108"}""");
        await using var agent = setup.Agent;
        var id = setup.Detector.Id;

        var failedOver = await stack.WaitForDetectorAsync(
            id, v => v.Provider?.Kind == "static" && v.Provider.State == "running", $"failover to static. Agent output:{Environment.NewLine}{agent.Output}");
        Assert.Equal("failover: ERR_NGROK_108", failedOver.Provider!.Reason);
        Assert.Equal(FallbackUrl, Assert.Single(failedOver.Tunnels).Url);

        // While ngrok's error lasts the agent retries it on its backoff (each try briefly shows ngrok starting), so
        // the filter is read until it catches a fallback period rather than once.
        await Eventually.TrueAsync(async () => (await ListIdsAsync($"/detectors?provider=static&q={id}")).Contains(id), "the provider filter finds it on static");

        await ControlAsync(setup, new { });
        var back = await stack.WaitForDetectorAsync(
            id, v => v.Provider?.Kind == "ngrok" && v.Provider.State == "running", $"back on ngrok. Agent output:{Environment.NewLine}{agent.Output}");
        Assert.Equal("preferred", back.Provider!.Reason);
        Assert.EndsWith(".ngrok-free.app", Assert.Single(back.Tunnels).Url, StringComparison.Ordinal);
        Assert.Equal([id], await ListIdsAsync($"/detectors?provider=ngrok&q={id}"));

        using var http = stack.Api.CreateReader();
        var history = (await http.GetFromJsonAsync<List<FleetEvent>>($"/detectors/{id}/history?limit=1000"))!;
        // The newest switch is the return (history is newest first). The way out is recorded too when the API saw ngrok
        // before the failover; the agent may fail over before its first publish, so that one is not asserted.
        var returned = history.First(e => e.Type == EventTypes.ProviderSwitched);
        Assert.Equal(("static", "ngrok"), (returned.Data?["from"]?.GetValue<string>(), returned.Data?["to"]?.GetValue<string>()));
    }

    private async Task<List<string>> ListIdsAsync(string query)
    {
        using var http = stack.Api.CreateReader();
        var page = (await http.GetFromJsonAsync<List<DetectorView>>(query))!;
        return [.. page.Select(v => v.Id)];
    }
}
