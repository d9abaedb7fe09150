using System.Text.Json;
using Fleet.Agent.Tests.Cloudflared;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Fleet.Testing.Mosquitto;
using Microsoft.Extensions.Hosting;

namespace Fleet.Agent.Tests.Checks;

/// <summary>
/// The whole agent in process (its real host) with Agent:Provider=cloudflared, running the stand-in cloudflared with its
/// edge stand-in, against Mosquitto: what arrives on the state topic, checks through the stand-in's edge included.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CloudflaredAgentTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private const string Page = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

    private readonly CancellationTokenSource _bound = new(TimeSpan.FromMinutes(3));

    private CancellationToken Ct => _bound.Token;

    public void Dispose() => _bound.Dispose();

    [Fact]
    public async Task State_CloudflaredProvider_PublishesTheTrycloudflareUrlCheckedThroughTheEdge()
    {
        await using var broker = await MosquittoBroker.StartAsync(Ct);
        var id = "pi-cf-" + Guid.NewGuid().ToString("N")[..8];
        var password = Guid.NewGuid().ToString("N");
        await broker.AddUserAsync(id, password, Ct);
        var service = ScriptedServer.Answering(Page);
        using var fake = FakeCloudflared.Create(edge: true);
        await using var monitor = await MqttTestClient.ConnectAsync(broker.Host, broker.Port, "monitor", broker.MonitorPassword, ct: Ct);
        await monitor.SubscribeAsync(FleetTopics.State(id), Ct);

        using var host = AgentHost.CreateBuilder(
        [
            $"--Agent:DetectorId={id}",
            $"--Agent:StateDirectory={fake.Directory}/state",
            $"--Agent:LogDirectory={fake.Directory}/log",
            "--Agent:Heartbeat=01:00:00",
            "--Agent:Provider=cloudflared",
            $"--Agent:Cloudflared:Binary={fake.Wrapper}",
            $"--Agent:Cloudflared:Url=http://127.0.0.1:{service.Port}",
            $"--Agent:Cloudflared:MetricsAddress={fake.MetricsAddress}",
            $"--Agent:Mqtt:Host={broker.Host}",
            $"--Agent:Mqtt:Port={broker.Port}",
            $"--Agent:Mqtt:Password={password}",
            "--Agent:Checks:Interval=00:00:01",
            "--Agent:Checks:Timeout=00:00:01",
            $"--Agent:Checks:Resolve:0={fake.Resolve}",
            $"--Agent:Checks:CaFile={fake.CaFile}",
        ]).Build();
        await host.StartAsync(Ct);
        try
        {
            var (_, payload) = await monitor.WaitForMessageAsync((_, p) => Outcome(p) == CheckOutcomes.Ok, Wait, Ct);
            using (var json = JsonDocument.Parse(payload))
            {
                var provider = json.RootElement.GetProperty("provider");
                Assert.Equal("cloudflared", provider.GetProperty("kind").GetString());
                Assert.Equal("running", provider.GetProperty("state").GetString());
                var tunnel = json.RootElement.GetProperty("tunnels")[0];
                Assert.Matches(@"^https://[a-z0-9-]+\.trycloudflare\.com$", tunnel.GetProperty("url").GetString());
                Assert.Equal(200, tunnel.GetProperty("check").GetProperty("httpStatus").GetInt32());
            }

            // The check really went through the edge stand-in to the service (the edge adds Cf-Ray), not only directly.
            Assert.Contains(service.Requests, r => r.Contains("Cf-Ray:", StringComparison.OrdinalIgnoreCase));

            await service.DisposeAsync();
            await monitor.WaitForMessageAsync((_, p) => Outcome(p) == CheckOutcomes.UpstreamDown, Wait, Ct);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            await service.DisposeAsync();
        }
    }

    private static string? Outcome(string payload)
    {
        using var json = JsonDocument.Parse(payload);
        return json.RootElement.TryGetProperty("tunnels", out var tunnels) && tunnels.GetArrayLength() > 0
            && tunnels[0].TryGetProperty("check", out var check) ? check.GetProperty("outcome").GetString() : null;
    }
}
