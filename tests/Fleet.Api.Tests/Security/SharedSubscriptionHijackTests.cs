using Fleet.Api.Auth;
using Fleet.Domain.Topics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Api.Tests.Security;

/// <summary>
/// Issue 11, finding 6: Mosquitto 2.0's acl_file never checks a SUBSCRIBE, and a member of a shared subscription
/// whose read is denied still takes its turn (the broker drops the message). So any credential that joined the
/// API's <c>$share/&lt;group&gt;/fleet/v1/detectors/+/+</c> took messages meant for the API: the monitor read them,
/// a detector made them vanish. On real Mosquitto with the shipped ACL and the shipped plugin
/// (infra/mosquitto/plugin), the API with a shared group and hijackers on the same filter.
/// </summary>
public sealed class SharedSubscriptionHijackTests : IAsyncLifetime
{
    private const string ApiGroup = "fleet-api";
    private const int States = 60;
    private MosquittoBroker _mosquitto = null!;
    private FleetApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("hijack");
        _mosquitto = await MosquittoBroker.StartAsync();
        _api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForMosquitto(_mosquitto))
        {
            Extra = new Dictionary<string, string?> { ["Mqtt:SharedGroup"] = ApiGroup },
        });
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _mosquitto.DisposeAsync();
    }

    [Fact]
    public async Task SharedSubscription_MonitorAndDetectorJoiningTheApisGroup_AreRefusedAndTakeNothing()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var hijackerId = Messages.NewId("hj");
        var hijackerPassword = SecretHash.NewSecret();
        await _mosquitto.AddUserAsync(hijackerId, hijackerPassword, ct);
        var publisherId = Messages.NewId("pub");
        var publisherPassword = SecretHash.NewSecret();
        await _mosquitto.AddUserAsync(publisherId, publisherPassword, ct);

        await using var monitor = await MqttTestClient.ConnectAsync(_mosquitto.Host, _mosquitto.Port, "monitor", _mosquitto.MonitorPassword);
        await using var monitor2 = await MqttTestClient.ConnectAsync(_mosquitto.Host, _mosquitto.Port, "monitor-2", _mosquitto.Monitor2Password);
        await using var detector = await MqttTestClient.ConnectAsync(_mosquitto.Host, _mosquitto.Port, hijackerId, hijackerPassword);
        string[] filters =
        [
            FleetTopics.Shared(ApiGroup, FleetTopics.AllDetectorTopics),
            FleetTopics.Shared("guessed", FleetTopics.AllDetectorTopics),
            FleetTopics.Shared(ApiGroup, "fleet/v1/#"),
        ];
        var answers = new List<string>();
        foreach (var (who, client) in new[] { ("monitor", monitor), ("monitor-2", monitor2), ("detector", detector) })
        {
            foreach (var filter in filters)
            {
                answers.Add($"{who} {filter}: {await SubscribeAsync(client, filter, ct)}");
            }
        }

        // The attack: states from a detector while three hijackers sit in the API's group.
        await using var publisher = await MqttTestClient.ConnectAsync(_mosquitto.Host, _mosquitto.Port, publisherId, publisherPassword);
        for (var seq = 0; seq < States; seq++)
        {
            var ack = await publisher.PublishAsync(FleetTopics.State(publisherId), Messages.Json(Messages.State(publisherId, 1, seq, $"https://u{seq}.ngrok-free.app")), retain: false, ct);
            Assert.True(ack.IsSuccess, $"PUBACK {ack.ReasonCode}");
        }

        // Every state reaches the API (each is newer than the last, so each applies), none went to a hijacker.
        await Eventually.TrueAsync(
            () => Task.FromResult(_api.Metrics.AppliedTotal + _api.Metrics.StaleTotal >= States),
            $"all {States} states reach the API; subscriptions: {string.Join("; ", answers)}",
            TimeSpan.FromSeconds(20));
        Assert.Equal(States, _api.Metrics.AppliedTotal);
        Assert.All(answers, a => Assert.EndsWith(MqttClientSubscribeResultCode.NotAuthorized.ToString(), a, StringComparison.Ordinal));
        Assert.All(new[] { monitor, monitor2, detector }, h => Assert.DoesNotContain(h.Received, m => m.Topic.Contains(publisherId, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SharedSubscription_ApiIdentity_MayStillJoinItsGroup()
    {
        await using var api2 = await MqttTestClient.ConnectAsync(_mosquitto.Host, _mosquitto.Port, "api-2", _mosquitto.Api2Password);

        var answer = await SubscribeAsync(api2, FleetTopics.Shared(ApiGroup, FleetTopics.AllDetectorTopics), CancellationToken.None);

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1.ToString(), answer);
    }

    private static async Task<string> SubscribeAsync(MqttTestClient client, string filter, CancellationToken ct)
    {
        var options = new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build();
        var result = await client.Client.SubscribeAsync(options, ct);
        return Assert.Single(result.Items).ResultCode.ToString();
    }
}
