using System.Globalization;
using Fleet.Api.Auth;

namespace Fleet.Api.Testing;

/// <summary>
/// The configuration every test instance of the API runs with, in-process (<see cref="FleetApiFactory"/>) or as a
/// process (the kit's ApiProcess, through <see cref="TestApiProcess"/>): one list, so the two cannot drift apart.
/// Secrets are apart from the rest because a process gets them through its environment, not the command line that
/// `ps` shows.
/// </summary>
internal static class TestApiConfiguration
{
    /// <summary>Everything but the secrets, then <see cref="FleetApiSettings.Extra"/> over it.</summary>
    public static Dictionary<string, string?> Values(FleetApiSettings settings)
    {
        var broker = settings.Broker;
        var values = new Dictionary<string, string?>
        {
            ["Database:Provider"] = settings.Provider,
            ["ConnectionStrings:Fleet"] = settings.ConnectionString,
            ["Database:CommandTimeout"] = "00:00:05",
            ["Mqtt:Mode"] = broker.Embedded ? "Embedded" : "External",
            ["Mqtt:Host"] = broker.Host,
            ["Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:Username"] = broker.Username,
            ["Mqtt:ClientId"] = broker.ClientId,
            ["Mqtt:PingInterval"] = "00:00:00.500",
            ["Mqtt:ReconnectMinDelay"] = "00:00:00.200",
            ["Mqtt:ReconnectMaxDelay"] = "00:00:02",
            ["Mqtt:Embedded:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:Embedded:BindAddress"] = "127.0.0.1",
            // Where GET /detectors reads from: the suite runs on the in-memory registry (the default) and, with
            // FLEET_TEST_READ_FROM=Database (`./test.sh --database-reads`), on the database path.
            ["Detectors:ReadFrom"] = Environment.GetEnvironmentVariable("FLEET_TEST_READ_FROM") ?? "Memory",
            ["Ingest:RetryMinDelay"] = "00:00:00.100",
            ["Ingest:RetryMaxDelay"] = "00:00:01",
            ["Auth:ApiKeys:0:Name"] = "test-reader",
            ["Auth:ApiKeys:0:Role"] = Roles.Reader,
            ["Auth:ApiKeys:0:Sha256"] = SecretHash.Sha256Hex(TestKeys.Reader),
            ["Auth:ApiKeys:1:Name"] = "test-admin",
            ["Auth:ApiKeys:1:Role"] = Roles.Admin,

            // Tests fire many requests from one host quickly; Security tests lower these through Extra.
            ["Limits:PerKeyPerMinute"] = "1000000",
            ["Limits:PerAddressPerMinute"] = "1000000",
            ["Limits:FailedAuthPerMinute"] = "1000000",
            ["Limits:FailedAuthPerPresentedKeyPerMinute"] = "1000000",
        };
        foreach (var (key, value) in settings.Extra)
        {
            values[key] = value;
        }

        return values;
    }

    /// <summary>The admin key in clear (the API hashes it) and the API's broker password, when it has one.</summary>
    public static Dictionary<string, string> Secrets(FleetApiSettings settings)
    {
        var secrets = new Dictionary<string, string> { ["Auth:ApiKeys:1:Key"] = TestKeys.Admin };
        if (settings.Broker.ApiPassword is { } password)
        {
            secrets["Mqtt:Password"] = password;
        }

        return secrets;
    }
}
