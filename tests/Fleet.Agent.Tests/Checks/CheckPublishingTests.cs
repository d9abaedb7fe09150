using System.Text.Json;
using Fleet.Agent.Tests.Ngrok;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Fleet.Testing.Mosquitto;
using Microsoft.Extensions.Hosting;

namespace Fleet.Agent.Tests.Checks;

/// <summary>
/// The whole agent in process (its real host: ngrok provider reading the stand-in's API, checks, publisher) against
/// Mosquitto, the stand-in ngrok and its edge: what arrives on the state topic.
/// </summary>
public sealed class CheckPublishingTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private const string Page = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

    private readonly CancellationTokenSource _bound = new(TimeSpan.FromMinutes(3));

    private CancellationToken Ct => _bound.Token;

    public void Dispose() => _bound.Dispose();

    [Fact]
    public async Task State_CheckOutcomeChanges_PublishedAtOnceAndUnchangedChecksAreNot()
    {
        await using var broker = await MosquittoBroker.StartAsync(Ct);
        var id = "pi-check-" + Guid.NewGuid().ToString("N")[..8];
        var password = Guid.NewGuid().ToString("N");
        await broker.AddUserAsync(id, password, Ct);
        var service = ScriptedServer.Answering(Page);
        await using var edge = await EdgeStandIn.StartAsync(service.Port);
        var state = Directory.CreateTempSubdirectory("fleet-check-agent-").FullName;
        await using var monitor = await MqttTestClient.ConnectAsync(broker.Host, broker.Port, "monitor", broker.MonitorPassword, ct: Ct);
        await monitor.SubscribeAsync(FleetTopics.State(id), Ct);

        using var host = AgentHost.CreateBuilder(
        [
            $"--Agent:DetectorId={id}",
            $"--Agent:StateDirectory={state}/state",
            $"--Agent:LogDirectory={state}/log",
            "--Agent:Heartbeat=01:00:00",
            "--Agent:Provider=ngrok",
            "--Agent:Ngrok:ManageProcess=false",
            $"--Agent:Ngrok:ApiAddress={edge.Ngrok.ApiAddress}",
            $"--Agent:Mqtt:Host={broker.Host}",
            $"--Agent:Mqtt:Port={broker.Port}",
            $"--Agent:Mqtt:Password={password}",
            "--Agent:Checks:Interval=00:00:01",
            "--Agent:Checks:Timeout=00:00:01",
            $"--Agent:Checks:Resolve:0={edge.Settings.Resolve[0]}",
            $"--Agent:Checks:CaFile={edge.CaFile}",
        ]).Build();
        await host.StartAsync(Ct);
        try
        {
            await monitor.WaitForMessageAsync((_, payload) => Outcome(payload) == CheckOutcomes.Ok, Wait, Ct);
            var published = States(monitor);

            // Three more checks (each one request to the service directly and one through the edge) with the same
            // outcome: nothing new is published (the heartbeat is an hour).
            var requests = service.Connections;
            await Eventually.TrueAsync(() => Task.FromResult(service.Connections >= requests + 6), "three more checks");
            Assert.Equal(published, States(monitor));

            await service.DisposeAsync();
            var (_, down) = await monitor.WaitForMessageAsync((_, payload) => Outcome(payload) == CheckOutcomes.UpstreamDown, Wait, Ct);

            using var json = JsonDocument.Parse(down);
            var check = json.RootElement.GetProperty("tunnels")[0].GetProperty("check");
            Assert.Equal("ERR_NGROK_8012", check.GetProperty("code").GetString());
            Assert.Equal(502, check.GetProperty("httpStatus").GetInt32());
            Assert.True(States(monitor) > published);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            await service.DisposeAsync();
            Directory.Delete(state, recursive: true);
        }
    }

    private static int States(MqttTestClient monitor) => monitor.Received.Count(m => m.Topic.EndsWith("/state", StringComparison.Ordinal));

    private static string? Outcome(string payload)
    {
        using var json = JsonDocument.Parse(payload);
        return json.RootElement.TryGetProperty("tunnels", out var tunnels) && tunnels.GetArrayLength() > 0
            && tunnels[0].TryGetProperty("check", out var check) ? check.GetProperty("outcome").GetString() : null;
    }
}
