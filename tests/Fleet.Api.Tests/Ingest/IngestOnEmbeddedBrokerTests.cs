using Fleet.Api.Auth;

namespace Fleet.Api.Tests.Ingest;

/// <summary>Ingest through the API's in-process MQTTnet broker, which authenticates detectors from the database.</summary>
public sealed class IngestOnEmbeddedBrokerTests : IngestTests
{
    private readonly string _monitorPassword = SecretHash.NewSecret();

    protected override (string User, string Password) Monitor => ("monitor", _monitorPassword);

    protected override Task<BrokerSettings> StartBrokerAsync() => Task.FromResult(BrokerSettings.ForEmbedded());

    protected override Task<string> ProvisionAsync(string detectorId) => Api.ProvisionEmbeddedDetectorAsync(detectorId);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings() => new Dictionary<string, string?>
    {
        ["Mqtt:Embedded:Monitors:0:Username"] = "monitor",
        ["Mqtt:Embedded:Monitors:0:Password"] = _monitorPassword,
    };
}
