using System.Net;
using Fleet.Api.Auth;
using Fleet.Domain.Topics;

namespace Fleet.Api.Tests.Detectors;

/// <summary>Decommissioning through a real Mosquitto with the shipped password file and ACL.</summary>
public sealed class DecommissionOnMosquittoTests : DecommissionTests
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

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _mosquitto.DisposeAsync();
    }

    [Fact]
    public async Task Delete_DetectorStillHoldingItsCredential_RegistersAgainWithItsNextMessage()
    {
        // Documented: with Mosquitto the API cannot revoke the credential; until the operator removes it, the
        // detector's next message is a new registration.
        var id = Messages.NewId("ag");
        await using var detector = await ConnectDetectorAsync(id);
        await PublishOnlineAsync(detector, id);
        using var admin = Api.CreateAdmin();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/detectors/{id}")).StatusCode);

        var again = await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 3, 1)));

        Assert.True(again.IsSuccess, again.ReasonCode.ToString());
        using var reader = Api.CreateReader();
        await Eventually.TrueAsync(async () => (await reader.GetAsync($"/detectors/{id}")).StatusCode == HttpStatusCode.OK, "registered again");
    }
}
