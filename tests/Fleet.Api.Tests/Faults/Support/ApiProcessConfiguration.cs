using System.Globalization;
using Fleet.Api.Auth;
using Fleet.Api.Tests.Support;

namespace Fleet.Api.Tests.Faults.Support;

/// <summary>
/// The configuration an <see cref="ApiProcess"/> runs with: the keys <see cref="FleetApiFactory"/> sets, as
/// command-line values, and the secrets separately (they go through the environment, not the visible command line).
/// </summary>
internal static class ApiProcessConfiguration
{
    public static Dictionary<string, string> SecretSettings(FleetApiSettings settings)
    {
        var secrets = new Dictionary<string, string> { ["Auth:ApiKeys:1:Key"] = TestKeys.Admin };
        if (settings.Broker.ApiPassword is { } password)
        {
            secrets["Mqtt:Password"] = password;
        }

        return secrets;
    }

    public static Dictionary<string, string?> Values(FleetApiSettings settings, string directory)
    {
        var broker = settings.Broker;
        var values = new Dictionary<string, string?>
        {
            // Inert: it only puts the temp folder on the command line, for the orphan guard to recognise the process.
            ["FaultTest:Directory"] = directory,
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
            ["Ingest:RetryMinDelay"] = "00:00:00.100",
            ["Ingest:RetryMaxDelay"] = "00:00:01",
            ["Auth:ApiKeys:0:Name"] = "test-reader",
            ["Auth:ApiKeys:0:Role"] = Roles.Reader,
            ["Auth:ApiKeys:0:Sha256"] = SecretHash.Sha256Hex(TestKeys.Reader),
            ["Auth:ApiKeys:1:Name"] = "test-admin",
            ["Auth:ApiKeys:1:Role"] = Roles.Admin,
            ["Limits:PerKeyPerMinute"] = "1000000",
            ["Limits:PerAddressPerMinute"] = "1000000",
            ["Limits:FailedAuthPerMinute"] = "1000000",
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        };
        foreach (var (key, value) in settings.Extra)
        {
            values[key] = value;
        }

        return values;
    }
}
