using Fleet.Api.Auth;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Api.Tests.Hostile;

/// <summary>
/// One Mosquitto (shipped ACL), one API on PostgreSQL with a URL allow-list (including wildcard-DNS services), one provisioned detector connected
/// with its own credentials, and a second provisioned detector whose topics the first must not reach.
/// </summary>
public sealed class HostileFixture : IAsyncLifetime
{
    public const long StartEpoch = 40;

    private MqttTestClient? _detector;
    private string _password = string.Empty;

    public MosquittoBroker Mosquitto { get; private set; } = null!;

    public FleetApiFactory Api { get; private set; } = null!;

    public string DetectorId { get; } = Messages.NewId("h");

    public string OtherId { get; } = Messages.NewId("v");

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("hostile");
        Mosquitto = await MosquittoBroker.StartAsync();
        Api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForMosquitto(Mosquitto))
        {
            Extra = new Dictionary<string, string?>
            {
                ["Ingest:AllowedHostSuffixes:0"] = ".ngrok-free.app",
                ["Ingest:AllowedHostSuffixes:1"] = ".example.org",

                // Wildcard-DNS and loopback-name services an operator might list: what the names embed must still be refused.
                ["Ingest:AllowedHostSuffixes:2"] = ".nip.io",
                ["Ingest:AllowedHostSuffixes:3"] = ".sslip.io",
                ["Ingest:AllowedHostSuffixes:4"] = "localtest.me",
                ["Ingest:AllowedHostSuffixes:5"] = "localhost.localdomain",
                ["Ingest:AllowedHostSuffixes:6"] = "ip6-localhost",
            },
        });
        _password = SecretHash.NewSecret();
        await Mosquitto.AddUserAsync(DetectorId, _password);
        await Mosquitto.AddUserAsync(OtherId, SecretHash.NewSecret());
        var detector = await DetectorAsync();
        await detector.PublishAsync(FleetTopics.Status(DetectorId), Messages.Json(Messages.Status(Presence.Online, StartEpoch)));
        await detector.PublishAsync(FleetTopics.State(DetectorId), Messages.Json(Messages.State(DetectorId, StartEpoch, 0)));
        await Eventually.TrueAsync(async () => (await Api.FindDetectorAsync(DetectorId))?.Seq == 0, "the first valid state is stored");
    }

    public async Task DisposeAsync()
    {
        if (_detector is not null)
        {
            await _detector.DisposeAsync();
        }

        await Api.DisposeAsync();
        await Mosquitto.DisposeAsync();
    }

    /// <summary>The detector's connection, reconnected if the broker closed it after a refusal.</summary>
    public async Task<MqttTestClient> DetectorAsync()
    {
        if (_detector is { Client.IsConnected: true })
        {
            return _detector;
        }

        if (_detector is not null)
        {
            await _detector.DisposeAsync();
        }

        _detector = await MqttTestClient.ConnectAsync(Mosquitto.Host, Mosquitto.Port, DetectorId, _password, clientId: DetectorId);
        return _detector;
    }

    public string TopicFor(HostileCase hostile) =>
        hostile.Topic.Replace("{id}", DetectorId, StringComparison.Ordinal).Replace("{other}", OtherId, StringComparison.Ordinal);

    public async Task<MqttClientPublishResult> PublishAsync(string topic, byte[] payload, bool retain)
    {
        var detector = await DetectorAsync();
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await detector.Client.PublishAsync(message, timeout.Token);
    }
}
