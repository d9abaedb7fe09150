using Microsoft.Extensions.Logging;
using Fleet.Agent.Publishing;
using Fleet.Domain.Topics;
using Fleet.Testing.Mosquitto;
using Microsoft.Extensions.Hosting;

namespace Fleet.Agent.Tests.Publishing;

/// <summary>
/// The whole agent in process against Mosquitto on networks that block ports: an endpoint list whose first entry
/// cannot be reached, a pinned key instead of a CA, and the way back to the preferred endpoint.
/// </summary>
public sealed class EndpointFailoverTests(HostileNetworkBroker broker) : IClassFixture<HostileNetworkBroker>, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);
    private readonly CancellationTokenSource _bound = new(TimeSpan.FromMinutes(2));
    private readonly string _work = Directory.CreateTempSubdirectory("fleet-endpoints-").FullName;
    private readonly CapturingLoggerProvider _log = new();

    private CancellationToken Ct => _bound.Token;

    public void Dispose()
    {
        _log.Dispose();
        _bound.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Agent_Only443GetsOut_ComesOnlineThroughWssAfterTheBlocked8883()
    {
        using var blocked8883 = new BlackholePort();
        var wss = broker.Wss.Url("localhost");

        var status = await RunUntilOnlineAsync([$"mqtts://localhost:{blocked8883.Port}", wss], $"--Agent:Mqtt:CaFile={broker.Mosquitto.CaFile}");

        Assert.Equal(wss, status.Broker);
    }

    [Fact]
    public async Task Agent_PinnedKey_ConnectsOverMqttsWithoutTheCa()
    {
        var endpoint = $"mqtts://127.0.0.1:{broker.Mosquitto.TlsPort}";

        var status = await RunUntilOnlineAsync([endpoint], $"--Agent:Mqtt:PinSha256=sha256//{broker.Pin}");

        Assert.Equal(endpoint, status.Broker);
    }

    [Fact]
    public async Task Agent_OnTheFallback_GoesBackToThePreferredEndpointOnceItAnswers()
    {
        await using var preferredPath = TcpFaultProxy.Start(broker.Mosquitto.Host, broker.Mosquitto.Port);
        preferredPath.Block();
        var preferred = $"mqtt://127.0.0.1:{preferredPath.Port}";
        var wss = broker.Wss.Url("localhost");
        var (id, password) = await broker.AddDetectorAsync("back", Ct);
        using var host = StartAgent(id, password, [preferred, wss], $"--Agent:Mqtt:CaFile={broker.Mosquitto.CaFile}", "--Agent:Mqtt:PreferredEndpointRetry=00:00:01");
        await host.StartAsync(Ct);
        try
        {
            await WaitForStatusAsync(id, s => s.Connected && s.Broker == wss, "online through wss");

            preferredPath.Unblock();

            var back = await WaitForStatusAsync(id, s => s.Connected && s.Broker == preferred, "back on the preferred endpoint");
            Assert.True(back.Epoch > 0);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private async Task<AgentStatus> RunUntilOnlineAsync(string[] endpoints, params string[] extra)
    {
        var (id, password) = await broker.AddDetectorAsync("ep", Ct);
        await using var monitor = await MqttTestClient.ConnectAsync(broker.Mosquitto.Host, broker.Mosquitto.Port, "monitor", broker.Mosquitto.MonitorPassword, ct: Ct);
        await monitor.SubscribeAsync(FleetTopics.Status(id), Ct);
        using var host = StartAgent(id, password, endpoints, extra);
        await host.StartAsync(Ct);
        try
        {
            try
            {
                await monitor.WaitForMessageAsync((_, payload) => payload.Contains("\"online\"", StringComparison.Ordinal), Wait, Ct);
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"{ex.Message}; the agent logged: {string.Join(" / ", _log.Lines.TakeLast(12))}", ex);
            }

            return await WaitForStatusAsync(id, s => s.Connected, "the status file says connected");
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private IHost StartAgent(string id, string password, string[] endpoints, params string[] extra)
    {
        var builder = AgentHost.CreateBuilder(
    [
        $"--Agent:DetectorId={id}",
        $"--Agent:StateDirectory={_work}/{id}/state",
        $"--Agent:LogDirectory={_work}/{id}/log",
        "--Agent:Provider=static",
        "--Agent:Static:Tunnels:0:Name=web",
        "--Agent:Static:Tunnels:0:Url=https://203.0.113.9",
        "--Agent:Static:Tunnels:0:Proto=https",
        "--Agent:Checks:Enabled=false",
        $"--Agent:Mqtt:Password={password}",
        "--Agent:Mqtt:ConnectTimeout=00:00:02",
        "--Agent:Mqtt:PingInterval=00:00:00.300",
        "--Agent:Mqtt:ReconnectMinDelay=00:00:00.200",
        "--Agent:Mqtt:ReconnectMaxDelay=00:00:01",
        "--Agent:Mqtt:EpochRecoveryWait=00:00:00.500",
        .. endpoints.Select((e, i) => $"--Agent:Mqtt:Endpoints:{i}={e}"),
        .. extra,
    ]);
        builder.Logging.AddProvider(_log);
        return builder.Build();
    }

    private async Task<AgentStatus> WaitForStatusAsync(string id, Func<AgentStatus, bool> condition, string what) =>
        (await Eventually.GetAsync(
            () => Task.FromResult(AgentStatusFile.Read(Path.Combine(_work, id, "state", "status.json"))),
            s => s is not null && condition(s),
            what,
            Wait))!;
}
