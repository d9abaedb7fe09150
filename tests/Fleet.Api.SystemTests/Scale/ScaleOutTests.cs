using Fleet.Api.Auth;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Domain.Topics;
using MQTTnet;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Scale;

/// <summary>
/// Scale-out on real engines: three API instances share one MQTT 5 shared subscription on Mosquitto and one PostgreSQL
/// database. The broker deals the stream out, so two instances can hold states of one detector at the same time; the
/// version guard in the database, not any coordination between instances, keeps every detector at its newest state.
/// </summary>
public sealed class ScaleOutTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Detectors = 30;
    private const int StatesEach = 20;

    private MosquittoBroker _mosquitto = null!;
    private readonly List<FleetApiFactory> _instances = [];

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("scaleout");
        _mosquitto = await MosquittoBroker.StartAsync();
        var shared = new Dictionary<string, string?> { ["Mqtt:SharedGroup"] = "fleet-api" };
        foreach (var broker in new[]
                 {
                     BrokerSettings.ForMosquitto(_mosquitto),
                     BrokerSettings.ForSecondApiOnMosquitto(_mosquitto),
                     BrokerSettings.ForThirdApiOnMosquitto(_mosquitto),
                 })
        {
            var instance = new FleetApiFactory(new FleetApiSettings(connectionString, broker) { Extra = shared });
            _instances.Add(instance);
            _ = instance.Server;
        }

        await Eventually.TrueAsync(() => Task.FromResult(_instances.All(i => i.MqttConnected)), "all three instances connected");
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await _mosquitto.DisposeAsync();
    }

    [Fact]
    public async Task ThreeInstances_OnOneSharedSubscription_SplitTheLoad_AndLoseOrRegressNothing()
    {
        var ids = Enumerable.Range(0, Detectors).Select(i => Messages.NewId($"so{i}")).ToList();
        var detectors = new List<MqttTestClient>();
        foreach (var id in ids)
        {
            var password = SecretHash.NewSecret();
            await _mosquitto.AddUserAsync(id, password);
            detectors.Add(await MqttTestClient.ConnectAsync(_mosquitto.Host, _mosquitto.Port, id, password, clientId: id));
        }

        var accepted = new AcceptedStates();
        using var reader = _instances[0].CreateReader();
        await using var watcher = await MonotonicWatcher.StartAsync(reader, output);

        // Every detector publishes its history at once: the broker interleaves them across the three instances.
        await Task.WhenAll(detectors.Select((detector, i) => Task.Run(async () =>
        {
            for (var seq = 0; seq < StatesEach; seq++)
            {
                var state = Messages.State(ids[i], 1, seq, $"https://{ids[i]}-{seq / 5}.ngrok-free.app");
                var result = await detector.PublishAsync(FleetTopics.State(ids[i]), Messages.Json(state));
                if (result.ReasonCode == MqttClientPublishReasonCode.Success)
                {
                    accepted.Accept(state);
                }
            }
        })));
        output.WriteLine($"[injected] {Detectors} detectors x {StatesEach} states through a shared subscription of 3 instances");

        await accepted.ConvergedAsync(reader, TimeSpan.FromSeconds(60), output);
        var handled = _instances.Select(i => i.Metrics.AppliedTotal + i.Metrics.StaleTotal).ToList();
        output.WriteLine($"[observed] messages handled per instance: {string.Join(", ", handled)}");

        Assert.Equal(Detectors, accepted.Count);
        Assert.All(handled, count => Assert.True(count > 0, $"every instance took a share of the stream: {string.Join(", ", handled)}"));
        Assert.Equal(Detectors * StatesEach, handled.Sum());
        watcher.AssertMonotonic();

        foreach (var detector in detectors)
        {
            await detector.DisposeAsync();
        }
    }
}
