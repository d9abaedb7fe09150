using System.Text.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Fleet.Testing.Mosquitto;
using Microsoft.Extensions.Hosting;

namespace Fleet.Agent.Tests.Health;

/// <summary>
/// The whole agent in process (its real host and configuration binding: a static tunnel, one health check script)
/// against Mosquitto: the state's <c>health</c> follows the check as it starts failing and recovers.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HealthPublishingTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly Scripts _scripts = new();
    private readonly CancellationTokenSource _bound = new(TimeSpan.FromMinutes(3));

    private CancellationToken Ct => _bound.Token;

    public void Dispose()
    {
        _bound.Dispose();
        _scripts.Dispose();
    }

    [Fact]
    public async Task State_CheckStartsFailingThenRecovers_HealthPublishedFailThenOk()
    {
        await using var broker = await MosquittoBroker.StartAsync(Ct);
        var id = "pi-health-" + Guid.NewGuid().ToString("N")[..8];
        var password = Guid.NewGuid().ToString("N");
        await broker.AddUserAsync(id, password, Ct);
        var mode = _scripts.Path("mode");
        File.WriteAllText(mode, "0");
        var script = _scripts.Write("daq", $"exit $(cat {mode})");
        await using var monitor = await MqttTestClient.ConnectAsync(broker.Host, broker.Port, "monitor", broker.MonitorPassword, ct: Ct);
        await monitor.SubscribeAsync(FleetTopics.State(id), Ct);

        using var host = AgentHost.CreateBuilder(
        [
            $"--Agent:DetectorId={id}",
            $"--Agent:StateDirectory={_scripts.Dir}/state",
            $"--Agent:LogDirectory={_scripts.Dir}/log",
            "--Agent:Heartbeat=01:00:00",
            "--Agent:Provider=static",
            "--Agent:Static:Tunnels:0:Url=https://pi-health.example.com",
            "--Agent:Checks:Enabled=false",
            $"--Agent:Mqtt:Host={broker.Host}",
            $"--Agent:Mqtt:Port={broker.Port}",
            $"--Agent:Mqtt:Password={password}",
            "--Agent:Health:Checks:0:Name=daq",
            $"--Agent:Health:Checks:0:Command:0={script}",
            "--Agent:Health:Checks:0:Interval=00:00:01",
            "--Agent:Health:Checks:0:Timeout=00:00:01",
        ]).Build();
        await host.StartAsync(Ct);
        try
        {
            var (_, ok) = await monitor.WaitForMessageAsync((_, payload) => Status(payload) == HealthOutcomes.Ok && Checks(payload) == 1, Wait, Ct);
            File.WriteAllText(mode, "2");
            var (_, fail) = await monitor.WaitForMessageAsync((_, payload) => Status(payload) == HealthOutcomes.Fail, Wait, Ct);
            File.WriteAllText(mode, "0");
            await monitor.WaitForMessageAsync((_, payload) => Status(payload) == HealthOutcomes.Ok && Seq(payload) > Seq(fail), Wait, Ct);

            using var json = JsonDocument.Parse(fail);
            var health = json.RootElement.GetProperty("health");
            var check = health.GetProperty("checks")[0];
            Assert.Equal(("daq", "fail", "exit code 2"), (check.GetProperty("name").GetString(), check.GetProperty("outcome").GetString(), check.GetProperty("text").GetString()));
            Assert.True(health.GetProperty("facts").GetProperty("uptimeSeconds").GetInt64() > 0);
            Assert.True(Seq(fail) > Seq(ok));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static string? Status(string payload)
    {
        using var json = JsonDocument.Parse(payload);
        return json.RootElement.TryGetProperty("health", out var health) ? health.GetProperty("status").GetString() : null;
    }

    private static int Checks(string payload)
    {
        using var json = JsonDocument.Parse(payload);
        return json.RootElement.TryGetProperty("health", out var health) ? health.GetProperty("checks").GetArrayLength() : 0;
    }

    private static long Seq(string payload)
    {
        using var json = JsonDocument.Parse(payload);
        return json.RootElement.GetProperty("seq").GetInt64();
    }
}
