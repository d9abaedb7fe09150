using Fleet.Api.Auth;
using Fleet.Domain.Topics;

namespace Fleet.Api.Tests.Ingest;

/// <summary>
/// Two API instances share the stream through an MQTT 5 shared subscription on Mosquitto and write to one
/// PostgreSQL database: each message is handled by one of them, and every detector arrives.
/// </summary>
public sealed class SharedSubscriptionTests : IAsyncLifetime
{
    private MosquittoBroker _mosquitto = null!;
    private FleetApiFactory _first = null!;
    private FleetApiFactory _second = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("shared");
        _mosquitto = await MosquittoBroker.StartAsync();
        var shared = new Dictionary<string, string?> { ["Mqtt:SharedGroup"] = "fleet-api" };
        _first = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForMosquitto(_mosquitto)) { Extra = shared });
        _second = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForSecondApiOnMosquitto(_mosquitto)) { Extra = shared });
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _mosquitto.DisposeAsync();
    }

    [Fact]
    public async Task TwoInstances_WithSharedSubscription_SplitTheStream_AndStoreEveryDetector()
    {
        var ids = Enumerable.Range(0, 20).Select(i => Messages.NewId($"sh{i}")).ToList();
        foreach (var id in ids)
        {
            var password = SecretHash.NewSecret();
            await _mosquitto.AddUserAsync(id, password);
            await using var detector = await MqttTestClient.ConnectAsync(_mosquitto.Host, _mosquitto.Port, id, password);
            for (var seq = 0; seq < 3; seq++)
            {
                await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, seq, $"https://{id}-{seq}.ngrok-free.app")));
            }
        }

        await Eventually.TrueAsync(
            async () => (await Task.WhenAll(ids.Select(_first.FindDetectorAsync))).All(d => d?.Seq == 2),
            "every detector at its newest state");
        var handled = (_first.Metrics.AppliedTotal + _first.Metrics.StaleTotal, _second.Metrics.AppliedTotal + _second.Metrics.StaleTotal);
        Assert.True(handled.Item1 > 0 && handled.Item2 > 0, $"both instances handled messages: {handled}");
        Assert.Equal(60, handled.Item1 + handled.Item2);
    }
}
