using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Fleet.Testing.Network;
using Fleet.Benchmarks.Infrastructure;
using Fleet.Benchmarks.Reporting;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// wrk against GET /detectors?limit=100 and GET /detectors/{id} of the API, conditional requests when the API sends
/// an ETag (If-None-Match -> 304), and in the same run the same two reads against the ceilings (the API's statements
/// through bare Npgsql; the API's own bodies served from memory) and against a second API reading from the database.
/// </summary>
internal static class ReadsScenario
{
    private const string ListPath = "/detectors?limit=100";

    public static async Task RunAsync(BenchContext context, RunRecord record)
    {
        var s = context.Settings;
        var api = context.RequireApi();
        var oneId = File.ReadLines(context.CredentialsFile).Skip(41).First().Split(',')[0];
        var onePath = $"/detectors/{oneId}";
        string[] key = [$"X-Api-Key: {api.ApiKey}"];

        if (await TotalAsync(api) < 101)
        {
            await EnsureFleetAsync(context, api);
        }

        record.Set("detectors", await TotalAsync(api));

        await MeasureAsync(record, "list", api.BaseUrl + ListPath, key, s);
        await MeasureAsync(record, "one", api.BaseUrl + onePath, key, s);

        foreach (var (name, path) in new[] { ("list304", ListPath), ("one304", onePath) })
        {
            var etag = await NotModifiedETagAsync(api.Client, path);
            if (etag is null)
            {
                record.Notes.Add($"{path}: no ETag or no 304 on If-None-Match: conditional requests not measured");
                continue;
            }

            await MeasureAsync(record, name, api.BaseUrl + path, [.. key, $"If-None-Match: {etag}"], s);
        }

        // The ceilings: started now (the static bodies fetched from this API), reading the same database, measured the same way.
        var port = FreePort.Next();
        await using var ceiling = ServerProcess.Start(
            "dotnet",
            [
                typeof(ReadsScenario).Assembly.Location, "ceiling-reads", "--port", port.ToString(CultureInfo.InvariantCulture),
                "--connection-string", context.FleetConnectionString, "--api", api.BaseUrl, "--list-path", ListPath, "--one-path", onePath,
            ],
            Path.Combine(context.Work, "ceiling-reads.log"),
            environment: new Dictionary<string, string> { [ReadsCeilingServer.ApiKeyVariable] = api.ApiKey });
        if (!await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30), () => ceiling.HasExited))
        {
            throw new InvalidOperationException($"the ceiling endpoint did not start: {ceiling.LogTail()}");
        }

        var ceilingUrl = $"http://127.0.0.1:{port}";
        await CompareAsync(record, api, ceilingUrl, ListPath);
        await MeasureAsync(record, "ceilingList", ceilingUrl + ListPath, key, s);
        await MeasureAsync(record, "ceilingOne", ceilingUrl + onePath, key, s);
        await MeasureAsync(record, "staticList", ceilingUrl + ReadsCeilingServer.StaticPrefix + ListPath, key, s);
        await MeasureAsync(record, "staticOne", ceilingUrl + ReadsCeilingServer.StaticPrefix + onePath, key, s);
        await ceiling.StopAsync(TimeSpan.FromSeconds(10));

        await MeasureDatabasePathAsync(context, record, onePath, s);
    }

    /// <summary>
    /// The same two reads from a second API process with <c>Detectors:ReadFrom=Database</c> (today's SQL path) on the
    /// same database, started only for this and ingesting nothing, so the table shows both paths from one run.
    /// </summary>
    private static async Task MeasureDatabasePathAsync(BenchContext context, RunRecord record, string onePath, BenchSettings s)
    {
        var settings = ApiServer.WithoutIngest();
        settings["Detectors__ReadFrom"] = "Database";
        await using var database = await ApiServer.StartAsync(
            s.ApiDirectory, context.FleetConnectionString, context.Broker, Path.Combine(context.Work, $"api-run{record.Run}-reads-database.log"), settings);
        string[] key = [$"X-Api-Key: {database.ApiKey}"];
        await MeasureAsync(record, "dbList", database.BaseUrl + ListPath, key, s);
        await MeasureAsync(record, "dbOne", database.BaseUrl + onePath, key, s);
    }

    /// <summary>The ceiling answers the same page: as many detectors and tunnels as the API (else a note says it is no ceiling).</summary>
    private static async Task CompareAsync(RunRecord record, ApiServer api, string ceilingUrl, string path)
    {
        using var ceiling = new HttpClient { BaseAddress = new Uri(ceilingUrl), Timeout = TimeSpan.FromSeconds(30) };
        var (apiDetectors, apiTunnels) = Count(await api.Client.GetFromJsonAsync<JsonElement>(path));
        var (ceilingDetectors, ceilingTunnels) = Count(await ceiling.GetFromJsonAsync<JsonElement>(path));
        record.Set("ceilingList.detectors", ceilingDetectors);
        record.Set("ceilingList.tunnels", ceilingTunnels);
        if (apiDetectors != ceilingDetectors || apiTunnels != ceilingTunnels)
        {
            record.Notes.Add($"the Npgsql ceiling's page has {ceilingDetectors} detectors and {ceilingTunnels} tunnels, the API's {apiDetectors} and {apiTunnels}");
        }

        static (int Detectors, int Tunnels) Count(JsonElement page) =>
            (page.GetArrayLength(), page.EnumerateArray().Sum(d => d.GetProperty("tunnels").GetArrayLength()));
    }

    private static async Task<double> TotalAsync(ApiServer api)
    {
        using var first = await api.Client.GetAsync(ListPath);
        first.EnsureSuccessStatusCode();
        return double.Parse(first.Headers.GetValues("X-Total-Count").First(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Run alone (--only reads) the database holds credentials but no detectors (they appear with their first state):
    /// the storm's fleet sends a few seconds of states first, so the pages are full and GET /detectors/{id} finds its detector.
    /// </summary>
    private static async Task EnsureFleetAsync(BenchContext context, ApiServer api)
    {
        var s = context.Settings;
        var count = Math.Min(s.StormFleet, s.ProvisionCount - 1);
        Log.Line($"  no detectors yet: {count} send states for a few seconds first");
        await context.Sim.RunAsync(
            TimeSpan.FromMinutes(3),
            [
            "run", .. context.SimConnection(count), "--count", count.ToString(CultureInfo.InvariantCulture), "--rate", "2000",
            "--heartbeat", s.HeartbeatSeconds.ToString(CultureInfo.InvariantCulture), "--connect-rate", "0", "--duration", "5",
            "--epoch-base", context.NextEpochBase().ToString(CultureInfo.InvariantCulture), "--quiet",
            ]);
        await api.SettleAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60));
    }

    private static async Task MeasureAsync(RunRecord record, string name, string url, IReadOnlyList<string> headers, BenchSettings s)
    {
        // A short warm-up so JIT and connection pools do not count.
        await Wrk.RunAsync(url, headers, 1, 4, 1);
        var result = await Wrk.RunAsync(url, headers, s.WrkThreads, s.WrkConnections, s.WrkSeconds);
        record.Set($"{name}.rps", result.RequestsPerSecond);
        record.Set($"{name}.p50Ms", result.P50Ms);
        record.Set($"{name}.p99Ms", result.P99Ms);
        record.Set($"{name}.requests", result.Requests);
        record.Set($"{name}.non2xx3xx", result.NonSuccess);
        record.Set($"{name}.socketErrors", result.SocketErrors);
        if (result.NonSuccess > 0 || result.SocketErrors > 0)
        {
            record.Notes.Add($"{name}: {result.NonSuccess} non-2xx/3xx answers, {result.SocketErrors} socket errors");
        }

        Log.Line($"  reads {name}: {result.RequestsPerSecond:0} req/s, p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms");
    }

    /// <summary>The ETag of a path if a conditional request with it answers 304 (support is detected, not assumed).</summary>
    private static async Task<string?> NotModifiedETagAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var etag = response.Headers.ETag?.ToString();
        if (etag is null)
        {
            return null;
        }

        using var conditional = new HttpRequestMessage(HttpMethod.Get, path);
        conditional.Headers.TryAddWithoutValidation("If-None-Match", etag);
        using var second = await client.SendAsync(conditional);
        return second.StatusCode == HttpStatusCode.NotModified ? etag : null;
    }
}
