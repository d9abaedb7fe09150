using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Fleet.Domain.Messages;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// Issue 7, fault 8: ngrok fails to authenticate (ERR_NGROK_105, which echoes the authtoken, then 107) and then
/// crashes in a loop. The agent restarts it with a backoff that grows to its cap, reports every error in
/// provider.state / provider.error, and no authtoken reaches any log line, file, MQTT payload or API answer.
/// </summary>
[Collection(AgentFaultGroup.Name)]
[Trait("Category", "Fault")]
[Trait("Suite", "Long")]
public sealed partial class AgentNgrokFaultTests(AgentFaultDeployment stack, ITestOutputHelper output)
{
    private static readonly TimeSpan RestartMin = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RestartCap = TimeSpan.FromSeconds(1.6);

    [Fact]
    public async Task NgrokAuthErrorsAndCrashLoop_BackoffGrowsToItsCap_ErrorsAreReported_NoSecretIsLogged()
    {
        var detector = await stack.ProvisionAsync("ngfail");
        var ngrok = await stack.NgrokAgentAsync(detector, restartMin: RestartMin.ToString(), restartMax: RestartCap.ToString(), control: new { error = "ERR_NGROK_105" });
        await using var agent = ngrok.Agent;
        await using var monitor = await MqttTestClient.ConnectAsync(stack.Mosquitto.Host, stack.Mosquitto.Port, "monitor", stack.Mosquitto.MonitorPassword);
        await monitor.SubscribeAsync($"fleet/v1/#");
        agent.Start();
        await AgentOutput.OnFailureAsync(output, () => CrashLoopAsync(ngrok, monitor), () => agent);
    }

    private async Task CrashLoopAsync(AgentNgrok ngrok, MqttTestClient monitor)
    {
        var id = ngrok.Detector.Id;
        var clock = Stopwatch.StartNew();
        output.WriteLine($"injected: ngrok fails to authenticate from its first start (ERR_NGROK_105, echoing the authtoken); restart backoff {RestartMin.TotalSeconds} s .. {RestartCap.TotalSeconds} s");
        var e105 = await stack.WaitForDetectorAsync(id, v => v.Provider is { State: "error", Error: "ERR_NGROK_105", Restarts: >= 6 }, "ERR_NGROK_105 reported after 6 restarts");
        output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s observed: provider {e105.Provider}");

        await ngrok.ControlAsync(new { error = "ERR_NGROK_107" });
        var e107 = await stack.WaitForDetectorAsync(id, v => v.Provider is { State: "error", Error: "ERR_NGROK_107" }, "ERR_NGROK_107 reported");
        output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s injected ERR_NGROK_107; observed: provider {e107.Provider}");

        await ngrok.ControlAsync(new { crash = true, exitCode = 3 });
        var crashed = await stack.WaitForDetectorAsync(id, v => v.Provider is { State: "crashed" } && v.Provider.Restarts > e107.Provider!.Restarts + 2, "a plain crash loop (exit 3, no message) is reported as crashed");
        output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s injected crash loop (exit 3); observed: provider {crashed.Provider}");

        await ngrok.ControlAsync(new { });
        var healed = clock.Elapsed;
        var running = await stack.WaitForDetectorAsync(id, v => v.Provider is { State: "running", Error: null } && v.Tunnels.Count == 1, "running again once ngrok can start", TimeSpan.FromSeconds(20));
        output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s healed; running {(clock.Elapsed - healed).TotalSeconds:0.0} s later: provider {running.Provider}, {running.Tunnels[0].Url}");

        // The backoff, from the agent's own journal ("ngrok restarts in <delay> (<n> consecutive failures)") and
        // from the timestamps of the starts in ngrok.log.
        var delays = RestartLine().Matches(ngrok.Agent.Output)
            .Select(m => (Delay: TimeSpan.Parse(m.Groups["delay"].Value, CultureInfo.InvariantCulture), Failures: int.Parse(m.Groups["failures"].Value, CultureInfo.InvariantCulture)))
            .ToList();
        var starts = StartLine().Matches(string.Join('\n', Directory.EnumerateFiles(ngrok.Detector.LogDirectory, "ngrok.log*").Order().Select(File.ReadAllText)))
            .Select(m => DateTimeOffset.Parse(m.Groups["at"].Value, CultureInfo.InvariantCulture))
            .Order()
            .ToList();
        var gaps = starts.Zip(starts.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
        output.WriteLine($"restart delays chosen (s): {string.Join(" ", delays.Select(d => $"{d.Delay.TotalSeconds:0.00}#{d.Failures}"))}");
        output.WriteLine($"gaps between starts in ngrok.log (s, delay + start-up): {string.Join(" ", gaps.Select(g => g.ToString("0.00", CultureInfo.InvariantCulture)))}");

        Assert.True(delays.Count >= 8, $"{delays.Count} restarts logged");
        Assert.All(delays, d => Assert.InRange(d.Delay, RestartMin, RestartCap));
        Assert.Equal(Enumerable.Range(1, 8), delays.Take(8).Select(d => d.Failures));
        Assert.Contains(delays.Skip(3), d => d.Delay > RestartCap / 2);
        Assert.DoesNotContain(delays.Take(1), d => d.Delay > RestartMin * 2);

        string[] everything =
        [
            ngrok.Agent.Output,
            string.Join('\n', monitor.Received.Select(m => m.Topic + " " + m.Payload)),
            .. (await stack.HistoryAsync(id)).Select(e => e.Data?.ToJsonString() ?? string.Empty),
            .. Directory.EnumerateFiles(ngrok.Detector.WorkDirectory, "*", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith("ngrok.yml", StringComparison.Ordinal) && f != ngrok.Detector.PasswordFile)
                .Select(File.ReadAllText),
        ];
        var mqttMessages = monitor.Received.Count(m => m.Topic.Contains(id, StringComparison.Ordinal));
        output.WriteLine($"secret scan: agent output, {mqttMessages} MQTT messages about the detector, its history and {everything.Length - 2} texts (files and events): authtoken {(everything.Any(t => t.Contains(ngrok.Authtoken, StringComparison.Ordinal)) ? "FOUND" : "absent")}");
        Assert.Contains(everything, t => t.Contains("ERR_NGROK_105", StringComparison.Ordinal));
        Assert.Contains(everything, t => t.Contains("Your authtoken: ***", StringComparison.Ordinal));
        Assert.All(everything, t => Assert.DoesNotContain(ngrok.Authtoken, t, StringComparison.Ordinal));
        Assert.All(everything, t => Assert.DoesNotContain(ngrok.Detector.Password, t, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"ngrok restarts in (?<delay>[0-9:.]+) \((?<failures>\d+) consecutive failures\)")]
    private static partial Regex RestartLine();

    [GeneratedRegex(@"^(?<at>\S+) \[fleet-agent\] ngrok started pid", RegexOptions.Multiline)]
    private static partial Regex StartLine();
}
