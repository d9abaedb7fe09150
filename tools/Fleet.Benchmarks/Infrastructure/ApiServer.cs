using System.Net;

using Fleet.Testing.Metrics;
using Fleet.Testing.Network;

namespace Fleet.Benchmarks.Infrastructure;

/// <summary>
/// The published Release API as a process: PostgreSQL, the external Mosquitto, one reader key, rate limits out of the
/// way of a load tool. Its configuration (and secrets) go in through environment variables, not the command line.
/// </summary>
internal sealed class ApiServer : IAsyncDisposable
{
    private readonly ServerProcess _process;

    private ApiServer(ServerProcess process, int port, string apiKey)
    {
        _process = process;
        Port = port;
        ApiKey = apiKey;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    }

    public int Port { get; }

    public string ApiKey { get; }

    public HttpClient Client { get; }

    public int Pid => _process.Id;

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The settings given to the API, secrets left out, for the results file.</summary>
    public static IReadOnlyDictionary<string, string> PublicSettings { get; } = new Dictionary<string, string>
    {
        ["Database__Provider"] = "Postgres",
        ["Mqtt__Mode"] = "External",
        ["Mqtt__Username"] = "api",
        ["Mqtt__SessionExpiry"] = "00:00:00 (no session kept while the API is stopped between scenarios)",
        ["Limits__PerKeyPerMinute"] = "1000000000",
        ["Limits__PerAddressPerMinute"] = "1000000000",
        ["Ingest__ChangesPerDetectorPerMinute"] = "0 (off: the simulated churn, ~120 URL changes/min per detector, would be coalesced)",
        ["Logging__LogLevel__Default"] = "Warning",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Detectors__ReadFrom"] = "Memory (the default; scenarios that compare set Database on a second process)",
    };

    /// <summary>
    /// Settings for an API that serves reads and writes but ingests nothing: the API has no switch to turn its MQTT
    /// ingest off, and a second subscriber on the bench broker would take (or, with a shared group, split) the stream.
    /// So it runs the embedded broker on a free loopback port of its own, which no detector ever connects to.
    /// </summary>
    public static Dictionary<string, string> WithoutIngest() => new()
    {
        ["Mqtt__Mode"] = "Embedded",
        ["Mqtt__Embedded__Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Mqtt__Embedded__BindAddress"] = "127.0.0.1",
        ["Mqtt__Embedded__WebSocketPath"] = string.Empty,
        ["Mqtt__Embedded__TlsPort"] = "0",
        ["Mqtt__ClientId"] = "api-reads-only",
    };

    /// <summary>Starts the API; <paramref name="extra"/> adds or overrides settings (a scenario's own, e.g. Probe__*).</summary>
    public static async Task<ApiServer> StartAsync(
        string apiDirectory, string connectionString, BenchBroker broker, string logPath, IReadOnlyDictionary<string, string>? extra = null,
        TimeSpan? readyWithin = null)
    {
        var apiKey = Secrets.New();
        var port = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Fleet"] = connectionString,
            ["Mqtt__Mode"] = "External",
            ["Mqtt__Host"] = "127.0.0.1",
            ["Mqtt__Port"] = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt__Username"] = "api",
            ["Mqtt__Password"] = broker.ApiPassword,
            ["Mqtt__SessionExpiry"] = "00:00:00",
            ["Auth__ApiKeys__0__Name"] = "bench",
            ["Auth__ApiKeys__0__Role"] = "reader",
            ["Auth__ApiKeys__0__Key"] = apiKey,
            ["Limits__PerKeyPerMinute"] = "1000000000",
            ["Limits__PerAddressPerMinute"] = "1000000000",

            // The ingest scenario offers ~20 states/s per detector with 10 % URL churn (~120 changes/min), far above
            // a real agent and the default budget (20/min): off, so every change still makes its history events and
            // the results stay comparable with earlier runs.
            ["Ingest__ChangesPerDetectorPerMinute"] = "0",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",

            // Issue 18: the in-memory registry (the default) unless a scenario asks for the database path.
            ["Detectors__ReadFrom"] = "Memory",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var process = ServerProcess.Start(
            "dotnet", [Path.Combine(apiDirectory, "fleet-api.dll"), "--urls", $"http://127.0.0.1:{port}"], logPath, apiDirectory, environment);
        var api = new ApiServer(process, port, apiKey);
        try
        {
            await api.WaitReadyAsync(readyWithin ?? TimeSpan.FromSeconds(90));
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    /// <summary>The ingest counters: messages committed (applied or stale) of one kind ("state" or "status").</summary>
    public async Task<double> CommittedAsync(string kind)
    {
        var samples = PrometheusText.Parse(await Client.GetStringAsync("/metrics"));
        return samples.Sum("fleet_ingest_applied_total", ("kind", kind)) + samples.Sum("fleet_ingest_stale_total", ("kind", kind));
    }

    /// <summary>Every message the ingest has finished with: committed (applied or stale), rejected or ignored.</summary>
    public async Task<double> ProcessedAsync()
    {
        var samples = PrometheusText.Parse(await Client.GetStringAsync("/metrics"));
        return samples.Sum("fleet_ingest_applied_total") + samples.Sum("fleet_ingest_stale_total")
            + samples.Sum("fleet_ingest_rejected_total") + samples.Sum("fleet_ingest_ignored_total");
    }

    /// <summary>
    /// Waits until the ingest has been idle for <paramref name="quiet"/> (the broker's backlog for the API, e.g. the
    /// retained messages it gets at every start, is worked off), at most <paramref name="limit"/>. True if it settled.
    /// </summary>
    public async Task<(bool Settled, double Seconds)> SettleAsync(TimeSpan quiet, TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var series = new CounterSeries(ProcessedAsync, TimeSpan.FromMilliseconds(250));
        await Task.Delay(quiet);
        while (series.StillForSeconds < quiet.TotalSeconds)
        {
            if (clock.Elapsed > limit)
            {
                return (false, clock.Elapsed.TotalSeconds);
            }

            await Task.Delay(250);
        }

        return (true, clock.Elapsed.TotalSeconds);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.StopAsync(TimeSpan.FromSeconds(20));
        await _process.DisposeAsync();
    }

    public string LogTail() => _process.LogTail();

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the API exited at start: {_process.LogTail()}");
            }

            try
            {
                using var response = await Client.GetAsync("/health/ready", deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
                // The client's own timeout: a start on a loaded host (a fleet connecting meanwhile) answers late.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"the API was not ready within {timeout.TotalSeconds} s: {_process.LogTail()}");
            }

            await Task.Delay(200, deadline.Token);
        }
    }
}
