using Fleet.Api.Auth;
using Fleet.Api.Tests.Infrastructure;
using Fleet.Api.Tests.Support;

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

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _mosquitto.DisposeAsync();
    }
}
