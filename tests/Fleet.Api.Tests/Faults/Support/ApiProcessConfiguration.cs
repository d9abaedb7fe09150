using Fleet.Api.Tests.Support;

namespace Fleet.Api.Tests.Faults.Support;

/// <summary>
/// The configuration an <see cref="ApiProcess"/> runs with: <see cref="TestApiConfiguration"/> (what
/// <see cref="FleetApiFactory"/> sets too) as command-line values, plus what only a process needs.
/// </summary>
internal static class ApiProcessConfiguration
{
    public static Dictionary<string, string> SecretSettings(FleetApiSettings settings) => TestApiConfiguration.Secrets(settings);

    public static Dictionary<string, string?> Values(FleetApiSettings settings, string directory)
    {
        var values = new Dictionary<string, string?>
        {
            // Inert: it only puts the temp folder on the command line, for the orphan guard to recognise the process.
            ["FaultTest:Directory"] = directory,
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        };

        // The shared keys and the test's Extra come last, so Extra can still override the logging levels.
        foreach (var (key, value) in TestApiConfiguration.Values(settings))
        {
            values[key] = value;
        }

        return values;
    }
}
