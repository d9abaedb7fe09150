using System.Globalization;
using System.Text.Json;

using Fleet.Testing.Network;
using Fleet.Testing.Processes;

namespace Fleet.Api.Testing;

/// <summary>
/// The API as a process (<see cref="ApiProcess"/>) the ways these tests start it: with <see cref="TestApiConfiguration"/>
/// (what <see cref="FleetApiFactory"/> sets too) as command-line values, or as the README's first command starts it
/// (Development, embedded broker, SQLite in its content root). Extension members, so a test writes
/// <c>ApiProcess.StartAsync(settings)</c> and <c>api.CreateReader()</c>.
/// </summary>
internal static class TestApiProcess
{
    extension(ApiProcess)
    {
        /// <summary>Starts the API with <paramref name="settings"/> and waits until it answers HTTP.</summary>
        public static Task<ApiProcess> StartAsync(FleetApiSettings settings, string name = "api", CancellationToken ct = default) =>
            ApiProcess.StartAsync(
                new ApiProcessOptions { Name = name, Settings = Values(settings), Secrets = TestApiConfiguration.Secrets(settings) },
                ct);

        /// <summary>
        /// Starts the API in <paramref name="environment"/> on its own HTTP and embedded-broker ports, plus
        /// <paramref name="extraArguments"/>; returns at once, so a start that is meant to fail can be watched.
        /// </summary>
        public static Task<ApiProcess> StartAsync(string environment, params string[] extraArguments)
        {
            var settings = new Dictionary<string, string?>
            {
                ["Mqtt:Embedded:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["Mqtt:Embedded:BindAddress"] = "127.0.0.1",
            };
            foreach (var argument in extraArguments)
            {
                var (key, value) = argument.TrimStart('-').Split('=', 2) is [var k, var v] ? (k, v) : throw new ArgumentException($"'{argument}' is not --key=value");
                settings[key] = value;
            }

            return ApiProcess.StartAsync(new ApiProcessOptions { Environment = environment, Settings = settings, WaitUntilLive = false });
        }

        /// <summary>
        /// The README's first command: Development, and returns once the API says it is running (fails if it exited
        /// instead). Its development credentials are then in <c>data/</c> (<see cref="DevelopmentCredentials"/>).
        /// </summary>
        public static async Task<ApiProcess> StartDevelopmentAsync(params string[] extraArguments)
        {
            var api = await ApiProcess.StartAsync("Development", extraArguments);
            try
            {
                await api.WaitForOutputAsync("Fleet API is running.");
                Assert.False(api.HasExited, api.Log);
                return api;
            }
            catch
            {
                await api.DisposeAsync();
                throw;
            }
        }
    }

    extension(ApiProcess api)
    {
        /// <summary>What a Development start writes to data/development-credentials.json (reader key, detector password).</summary>
        public JsonElement DevelopmentCredentials() =>
            JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(api.ContentRoot, "data", "development-credentials.json")));

        public HttpClient CreateReader() => api.CreateWithKey(TestKeys.Reader);

        /// <summary>
        /// Until a Development API lists <paramref name="detectorId"/> (its development reader key): a PUBACK says the
        /// broker has a state, not that the API has ingested it, and a dashboard loaded before then does not insert it live.
        /// </summary>
        public async Task WaitUntilListedAsync(string detectorId)
        {
            using var http = api.CreateWithKey(api.DevelopmentCredentials().GetProperty("ReaderKey").GetString()!);
            await Eventually.TrueAsync(
                async () => (await http.GetAsync($"/detectors/{detectorId}")).StatusCode == System.Net.HttpStatusCode.OK,
                $"the API lists {detectorId}");
        }

        public HttpClient CreateAdmin() => api.CreateWithKey(TestKeys.Admin);

        /// <summary>The API's Prometheus metrics (reader key), parsed.</summary>
        public async Task<IReadOnlyList<PrometheusSample>> MetricsAsync(CancellationToken ct = default)
        {
            using var http = api.CreateReader();
            return PrometheusText.Parse(await http.GetStringAsync("/metrics", ct));
        }
    }

    private static Dictionary<string, string?> Values(FleetApiSettings settings)
    {
        var values = new Dictionary<string, string?>
        {
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
