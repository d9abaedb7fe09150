using Fleet.Api.Auth;
using Fleet.Api.Mqtt;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Fleet.Api.Tests.Mqtt;

/// <summary>
/// The embedded broker honours the MQTT 5 will delay the agent sets (10 s): a real MQTTnet detector whose socket is
/// reset through a proxy, a monitor subscribed to its status, and the API's clock under the test's control, so "not
/// before the delay" is an order of events (the clock stops 1 s short, the will is still pending) rather than a wait.
/// </summary>
public sealed class EmbeddedBrokerWillDelayTests : IAsyncLifetime
{
    private static readonly TimeSpan WillDelay = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(90);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly string _monitorPassword = SecretHash.NewSecret();
    private FleetApiFactory _api = null!;

    private BrokerSettings Broker => _api.Settings.Broker;

    private DelayedWills Wills => _api.Services.GetRequiredService<DelayedWills>();

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("willdelay");
        _api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded())
        {
            Clock = _clock,
            Extra = new Dictionary<string, string?>
            {
                ["Mqtt:Embedded:Monitors:0:Username"] = "monitor",
                ["Mqtt:Embedded:Monitors:0:Password"] = _monitorPassword,
            },
        });
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task DroppedConnection_WillDelayNotOver_WillPublishedOnlyWhenItEnds()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        var (id, password) = await ProvisionAsync();
        await using var monitor = await WatchAsync(id, ct);
        await using var proxy = TcpFaultProxy.Start(Broker.Host, Broker.Port);
        using var detector = await ConnectDetectorAsync(id, password, proxy.Port, epoch: 1, ct);

        proxy.Block();
        await Eventually.TrueAsync(() => Task.FromResult(Wills.Pending == 1), "the broker noticed the drop and holds the will");
        _clock.Advance(WillDelay - TimeSpan.FromSeconds(1));

        Assert.Equal(1, Wills.Pending);
        Assert.DoesNotContain(monitor.Received, m => m.Payload.Contains("\"lost\"", StringComparison.Ordinal));

        _clock.Advance(TimeSpan.FromSeconds(1));

        var (_, will) = await monitor.WaitForMessageAsync((_, p) => p.Contains("\"lost\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10), ct);
        Assert.Contains("\"epoch\":1", will, StringComparison.Ordinal);
        Assert.Equal(0, Wills.Pending);
    }

    [Fact]
    public async Task DroppedConnection_ReconnectWithinDelay_WillNeverPublished()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        var (id, password) = await ProvisionAsync();
        await using var monitor = await WatchAsync(id, ct);
        await using var proxy = TcpFaultProxy.Start(Broker.Host, Broker.Port);
        using var first = await ConnectDetectorAsync(id, password, proxy.Port, epoch: 1, ct);
        proxy.Block();
        await Eventually.TrueAsync(() => Task.FromResult(Wills.Pending == 1), "the broker noticed the drop and holds the will");
        _clock.Advance(WillDelay / 2);

        using var second = await ConnectDetectorAsync(id, password, Broker.Port, epoch: 2, ct);
        Assert.Equal(0, Wills.Pending);
        _clock.Advance(WillDelay * 6);

        // The second connection's "online" went out after every step above: had the first will been published, the
        // monitor would have it before this.
        await second.PublishAsync(Status(id, Presence.Online, 2), ct);
        await monitor.WaitForMessageAsync((_, p) => p.Contains("\"epoch\":2", StringComparison.Ordinal), TimeSpan.FromSeconds(10), ct);
        Assert.DoesNotContain(monitor.Received, m => m.Payload.Contains("\"lost\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DisconnectWithWillMessage_WillPublishedAfterDelay()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        var (id, password) = await ProvisionAsync();
        await using var monitor = await WatchAsync(id, ct);
        using var detector = await ConnectDetectorAsync(id, password, Broker.Port, epoch: 4, ct);

        await detector.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.DisconnectWithWillMessage).Build(), ct);
        await Eventually.TrueAsync(() => Task.FromResult(Wills.Pending == 1), "the broker holds the will of a DISCONNECT 0x04");
        _clock.Advance(WillDelay);

        var (_, will) = await monitor.WaitForMessageAsync((_, p) => p.Contains("\"lost\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10), ct);
        Assert.Contains("\"epoch\":4", will, StringComparison.Ordinal);
    }

    private async Task<(string Id, string Password)> ProvisionAsync()
    {
        var id = Messages.NewId("wd");
        return (id, await _api.ProvisionEmbeddedDetectorAsync(id));
    }

    private async Task<MqttTestClient> WatchAsync(string id, CancellationToken ct)
    {
        var monitor = await MqttTestClient.ConnectAsync(Broker.Host, Broker.Port, "monitor", _monitorPassword, $"monitor-{id}", ct);
        await monitor.SubscribeAsync(FleetTopics.Status(id), ct);
        return monitor;
    }

    /// <summary>Connects as the agent does (MqttLink): a retained "lost" will with the epoch, 10 s will delay, 60 s session.</summary>
    private async Task<IMqttClient> ConnectDetectorAsync(string id, string password, int port, int epoch, CancellationToken ct)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(Broker.Host, port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(id)
            .WithCredentials(id, password)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(60)
            .WithWillTopic(FleetTopics.Status(id))
            .WithWillPayload(Messages.Json(Messages.Status(Presence.Lost, epoch)))
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillDelayInterval((uint)WillDelay.TotalSeconds)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        var result = await client.ConnectAsync(options, ct);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    private static MqttApplicationMessage Status(string id, Presence presence, int epoch) => new MqttApplicationMessageBuilder()
        .WithTopic(FleetTopics.Status(id))
        .WithPayload(Messages.Json(Messages.Status(presence, epoch)))
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithRetainFlag()
        .Build();
}
