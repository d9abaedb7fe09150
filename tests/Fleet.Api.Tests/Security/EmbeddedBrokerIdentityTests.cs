using Fleet.Api.Mqtt;
using Fleet.Domain.Topics;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Api.Tests.Security;

/// <summary>
/// Issue 11, finding 1: on the embedded broker a client id belongs to one identity. A detector credential cannot resume
/// or kick the API's session or another detector's, a resumed session never keeps another identity's role, and one
/// identity cannot pile up sessions. (Mosquitto's counterpart: IngestOnMosquittoTests, use_username_as_clientid.)
/// </summary>
public sealed class EmbeddedBrokerIdentityTests : IAsyncLifetime
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);
    private EmbeddedBrokerStack _stack = null!;

    public async Task InitializeAsync() =>
        _stack = await EmbeddedBrokerStack.StartAsync("broker_identity", new Dictionary<string, string?>
        {
            ["Mqtt:Embedded:MaxSessionsPerIdentity"] = "2",
            // The wrong-password test fails several logins from loopback on purpose; the throttle has its own tests.
            ["Mqtt:Embedded:FailedLoginsPerMinute"] = "1000",
        });

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task DetectorCredential_ResumingTheApisClientId_IsRefused_AndTheApiKeepsItsSessionAndSubscription()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        var id = Messages.NewId("imp");
        var password = await _stack.Api.ProvisionEmbeddedDetectorAsync(id);
        var connection = _stack.Api.Services.GetRequiredService<MqttConnection>();
        var reconnectsBefore = connection.Reconnects;

        var (impostor, result) = await _stack.ConnectAsync(id, password, _stack.Broker.ClientId, cleanStart: false, ct);
        using (impostor)
        {
            Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result.ResultCode);
            Assert.False(impostor.IsConnected);
        }

        // The API was never kicked, and its subscription still delivers a detector's state.
        Assert.Equal(reconnectsBefore, connection.Reconnects);
        await using var detector = await MqttTestClient.ConnectAsync(_stack.Broker.Host, _stack.Broker.Port, id, password, clientId: id, ct: ct);
        await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, 0)), ct: ct);
        await Eventually.TrueAsync(async () => await _stack.Api.FindDetectorAsync(id) is not null, "the detector's state is ingested");
        Assert.Equal(reconnectsBefore, connection.Reconnects);
        Assert.True(connection.IsReady);
    }

    [Fact]
    public async Task Detector_UsingAnotherDetectorsClientId_IsRefused_AndThatDetectorStaysConnected()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        var victim = Messages.NewId("vic");
        var attacker = Messages.NewId("att");
        var victimPassword = await _stack.Api.ProvisionEmbeddedDetectorAsync(victim);
        var attackerPassword = await _stack.Api.ProvisionEmbeddedDetectorAsync(attacker);
        var (victimClient, victimResult) = await _stack.ConnectAsync(victim, victimPassword, victim, ct: ct);
        using var _ = victimClient;
        Assert.Equal(MqttClientConnectResultCode.Success, victimResult.ResultCode);

        var (attackerClient, attackerResult) = await _stack.ConnectAsync(attacker, attackerPassword, victim, ct: ct);
        using var __ = attackerClient;

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, attackerResult.ResultCode);
        Assert.False(string.IsNullOrEmpty(attackerResult.ReasonString), "the refusal says why");
        Assert.True(await victimClient.TryPingAsync(ct), "the victim is still connected");
    }

    [Fact]
    public async Task Detector_WithItsOwnIdAsClientId_OrNone_IsAccepted()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        var id = Messages.NewId("own");
        var password = await _stack.Api.ProvisionEmbeddedDetectorAsync(id);

        var (named, namedResult) = await _stack.ConnectAsync(id, password, id, ct: ct);
        using (named)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, namedResult.ResultCode);
            await named.DisconnectAsync(cancellationToken: ct);
        }

        var (anonymous, anonymousResult) = await _stack.ConnectAsync(id, password, string.Empty, cleanStart: true, ct);
        using (anonymous)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, anonymousResult.ResultCode);
            Assert.Equal(id, anonymousResult.AssignedClientIdentifier);
        }
    }

    [Fact]
    public async Task ResumedSession_OfAnotherIdentity_DoesNotCarryItsRole()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;

        // A monitor session under an id that only later becomes a detector's (the detector was provisioned after).
        var id = Messages.NewId("late");
        var (monitor, monitorResult) = await _stack.ConnectAsync("monitor", _stack.MonitorPassword, id, ct: ct);
        using (monitor)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, monitorResult.ResultCode);
            await monitor.SubscribeAsync(FleetTopics.RegistryPrefix + "+", MqttQualityOfServiceLevel.AtLeastOnce, ct);
            await monitor.DisconnectAsync(cancellationToken: ct);
        }

        var password = await _stack.Api.ProvisionEmbeddedDetectorAsync(id);
        var (detector, result) = await _stack.ConnectAsync(id, password, id, cleanStart: false, ct);
        using var _ = detector;

        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.False(result.IsSessionPresent, "the monitor's session (and its subscriptions) is not handed to the detector");
        var subscribe = await detector.SubscribeAsync(FleetTopics.RegistryPrefix + "+", MqttQualityOfServiceLevel.AtLeastOnce, ct);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, Assert.Single(subscribe.Items).ResultCode);
        var forged = await detector.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic(FleetTopics.ApiStatus).WithPayload("{\"state\":\"offline\"}")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag().Build(), ct);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
    }

    [Fact]
    public async Task Monitor_UsingARegisteredDetectorsId_IsRefused_ButItsOwnIdsWork()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        var id = Messages.NewId("reg");
        await _stack.Api.ProvisionEmbeddedDetectorAsync(id);

        var (claimed, claimedResult) = await _stack.ConnectAsync("monitor", _stack.MonitorPassword, id, cleanStart: true, ct);
        using (claimed)
        {
            Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, claimedResult.ResultCode);
        }

        // The README's `mosquitto_sub -i my-dashboard -u monitor`.
        var (dashboard, dashboardResult) = await _stack.ConnectAsync("monitor", _stack.MonitorPassword, "my-dashboard", cleanStart: true, ct);
        using (dashboard)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, dashboardResult.ResultCode);
        }
    }

    [Fact]
    public async Task Identity_BeyondMaxSessionsPerIdentity_IsRefusedWithQuotaExceeded()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        var clients = new List<IMqttClient>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var (client, result) = await _stack.ConnectAsync("monitor", _stack.MonitorPassword, $"quota-{i}", ct: ct);
                clients.Add(client);
                Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
            }

            var (third, thirdResult) = await _stack.ConnectAsync("monitor", _stack.MonitorPassword, "quota-2", ct: ct);
            clients.Add(third);

            Assert.Equal(MqttClientConnectResultCode.QuotaExceeded, thirdResult.ResultCode);

            // Resuming one of its own sessions is not a new one.
            clients[0].Dispose();
            clients.RemoveAt(0);
            var (again, againResult) = await _stack.ConnectAsync("monitor", _stack.MonitorPassword, "quota-0", ct: ct);
            clients.Add(again);
            Assert.Equal(MqttClientConnectResultCode.Success, againResult.ResultCode);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
    [Theory]
    [InlineData("chosen-by-client")]
    [InlineData("")]
    public async Task WrongPassword_WithAnyClientId_IsRefusedAsBadUserNameOrPassword(string clientId)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        var id = Messages.NewId("pwd");
        await _stack.Api.ProvisionEmbeddedDetectorAsync(id);

        // A detector's id that is not its client id, the API's reserved id, and a monitor with another's id: the
        // password is judged first, so none of them learns anything about client ids.
        (string User, string ClientId)[] attempts =
            [(id, clientId.Length == 0 ? clientId : $"{id}-{clientId}"), (id, _stack.Broker.ClientId), ("monitor", id), ("nobody", clientId)];
        foreach (var (user, attemptClientId) in attempts)
        {
            var (client, result) = await _stack.ConnectAsync(user, "wrong-password", attemptClientId, cleanStart: true, ct);
            using (client)
            {
                Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
            }
        }
    }
}
