using System.Globalization;

namespace Fleet.Api.Tests.Mqtt;

/// <summary>The embedded broker's TLS port is refused at start, naming the key and the fix, when its certificate is missing or unreadable.</summary>
public sealed class EmbeddedBrokerTlsConfigurationTests
{
    [Fact]
    public async Task TlsPort_WithoutACertificate_StopsTheStartNamingTheKeys()
    {
        var message = await StartFailureAsync("broker_tls_no_cert", new Dictionary<string, string?>
        {
            ["Mqtt:Embedded:TlsPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        });

        Assert.Contains("Mqtt:Embedded:TlsPort needs a certificate: set Kestrel:Certificates:Default:Path", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificate_ThatCannotBeRead_StopsTheStartNamingTheKey_NotThePassword()
    {
        var message = await StartFailureAsync("broker_tls_bad_cert", new Dictionary<string, string?>
        {
            ["Kestrel:Certificates:Default:Path"] = Path.Combine(Path.GetTempPath(), "no-such-dir", "server.pfx"),
            ["Kestrel:Certificates:Default:Password"] = "secret-pfx-password",
        });

        Assert.Contains("Kestrel:Certificates:Default:Path", message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pfx-password", message, StringComparison.Ordinal);
    }

    private static async Task<string> StartFailureAsync(string database, Dictionary<string, string?> extra)
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync(database);
        await using var api = new FleetApiFactory(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded()) { Extra = extra });
        var failure = Assert.ThrowsAny<Exception>(() => api.Server);
        return failure.ToString();
    }
}
