using Fleet.Agent.Configuration;
using Fleet.Agent.Publishing;
using Fleet.Testing.Mosquitto;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tests.Publishing;

/// <summary>
/// A stop that lands while the connection loop is pinging (every PingInterval) must not make the link forget its
/// connection: the stop then still says offline and disconnects cleanly. Seen once in CI as "lost" instead of
/// "offline" after SIGTERM.
/// </summary>
public sealed class MqttLinkStopTests : IDisposable
{
    private readonly CancellationTokenSource _bound = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _bound.Token;

    public void Dispose() => _bound.Dispose();

    [Fact]
    public async Task EnsureConnected_WhenTheStopCancelsThePing_KeepsTheConnection()
    {
        await using var broker = await MosquittoBroker.StartAsync(Ct);
        var id = "pi-stop-" + Guid.NewGuid().ToString("N")[..8];
        var password = Guid.NewGuid().ToString("N");
        await broker.AddUserAsync(id, password, Ct);
        var state = Directory.CreateTempSubdirectory("fleet-link-stop-").FullName;
        try
        {
            var options = new AgentOptions
            {
                DetectorId = id,
                StateDirectory = state,
                Mqtt = new MqttSettings { Host = broker.Host, Port = broker.Port, Password = password },
            };
            await using var link = new MqttLink(Options.Create(options), new EpochStore(state), TimeProvider.System, NullLogger<MqttLink>.Instance);
            Assert.True(await link.EnsureConnectedAsync(Ct));

            using var stopping = new CancellationTokenSource();
            await stopping.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => link.EnsureConnectedAsync(stopping.Token));

            Assert.True(link.IsConnected, "the link still counts its connection, so the stop can say offline");
            await link.DisconnectAsync(Ct);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
