using Fleet.Api.Auth;
using Fleet.Domain.Topics;
using Npgsql;

namespace Fleet.Api.SystemTests.Ingest;

/// <summary>
/// The database goes away while detectors keep publishing (every connection to it is cut and refused by a TCP
/// proxy in front of the real PostgreSQL). Nothing may be acknowledged or lost: once it is back, every detector
/// shows its newest state.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private MosquittoBroker _mosquitto = null!;
    private TcpFaultProxy _proxy = null!;
    private FleetApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        var direct = new NpgsqlConnectionStringBuilder(await MigratedDatabase.CreateAsync("outage"));
        _proxy = TcpFaultProxy.Start(direct.Host!, direct.Port);
        var proxied = new NpgsqlConnectionStringBuilder(direct.ConnectionString)
        {
            Host = _proxy.Host,
            Port = _proxy.Port,
            Timeout = 3,
            Pooling = true,
        };
        _mosquitto = await MosquittoBroker.StartAsync();
        _api = await FleetApiFactory.StartAsync(new FleetApiSettings(proxied.ConnectionString, BrokerSettings.ForMosquitto(_mosquitto)));
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _mosquitto.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    [Fact]
    public async Task DatabaseDown_WhileMessagesArrive_EveryDetectorShowsItsNewestStateAfterItReturns()
    {
        var ids = Enumerable.Range(0, 5).Select(i => Messages.NewId($"db{i}")).ToList();
        var clients = new List<MqttTestClient>();
        foreach (var id in ids)
        {
            var password = SecretHash.NewSecret();
            await _mosquitto.AddUserAsync(id, password);
            clients.Add(await MqttTestClient.ConnectAsync(_mosquitto.Host, _mosquitto.Port, id, password));
        }

        try
        {
            for (var i = 0; i < ids.Count; i++)
            {
                await clients[i].PublishAsync(FleetTopics.State(ids[i]), Messages.Json(Messages.State(ids[i], 1, 0)));
            }

            await Eventually.TrueAsync(
                async () => (await Task.WhenAll(ids.Select(_api.FindDetectorAsync))).All(d => d is not null),
                "every detector stored before the outage");

            _proxy.Block();
            var retriesBefore = _api.Metrics.RetriesTotal;
            for (var seq = 1; seq <= 4; seq++)
            {
                for (var i = 0; i < ids.Count; i++)
                {
                    var url = $"https://{ids[i]}-seq{seq}.ngrok-free.app";
                    await clients[i].PublishAsync(FleetTopics.State(ids[i]), Messages.Json(Messages.State(ids[i], 1, seq, url)));
                }
            }

            // The writer has met the outage (and keeps retrying the same message) before the database returns.
            await Eventually.TrueAsync(() => Task.FromResult(_api.Metrics.RetriesTotal > retriesBefore), "writes fail while the database is down");
            _proxy.Unblock();

            await Eventually.TrueAsync(
                async () => (await Task.WhenAll(ids.Select(_api.FindDetectorAsync))).All(d => d?.Seq == 4),
                "every detector shows seq 4 after the database returned");
            foreach (var id in ids)
            {
                var stored = await _api.FindDetectorAsync(id);
                Assert.Equal($"https://{id}-seq4.ngrok-free.app", Assert.Single(stored!.Tunnels).Url);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
