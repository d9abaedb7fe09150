using Fleet.Api.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Ingest;

/// <summary>Ingest through a real Mosquitto with the contract's password file and ACL.</summary>
public sealed class IngestOnMosquittoTests : IngestTests
{
    private MosquittoBroker _mosquitto = null!;

    protected override (string User, string Password) Monitor => ("monitor", _mosquitto.MonitorPassword);

    protected override async Task<BrokerSettings> StartBrokerAsync()
    {
        _mosquitto = await MosquittoBroker.StartAsync();
        return BrokerSettings.ForMosquitto(_mosquitto);
    }

    protected override async Task<string> ProvisionAsync(string detectorId)
    {
        var password = SecretHash.NewSecret();
        await _mosquitto.AddUserAsync(detectorId, password);
        return password;
    }

    [Fact]
    public async Task DetectorCredential_ClaimingTheApisClientId_CannotTakeOverItsSession()
    {
        var id = Messages.NewId("imp");
        var password = await ProvisionAsync(id);
        var connection = Api.Services.GetRequiredService<Fleet.Api.Mqtt.MqttConnection>();
        var reconnectsBefore = connection.Reconnects;

        // Without use_username_as_clientid this would close the API's connection and hand its session over.
        await using var impostor = await MqttTestClient.ConnectAsync(_mosquitto.Host, _mosquitto.Port, id, password, clientId: Api.Settings.Broker.ClientId);
        await impostor.PublishAsync(Fleet.Domain.Topics.FleetTopics.State(id), Messages.Json(Messages.State(id, 1, 0)));

        await WaitForDetectorAsync(id, _ => true, "the impostor's own state is ingested");
        Assert.Equal(reconnectsBefore, connection.Reconnects);
        Assert.True(connection.IsReady);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _mosquitto.DisposeAsync();
    }
}
