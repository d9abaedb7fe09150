using System.Globalization;
using System.Net;

using Fleet.Testing.Network;
using Fleet.Benchmarks.Infrastructure;
using Fleet.Benchmarks.Reporting;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// wrk against GET /detectors?limit=100 and GET /detectors/{id} of the API, conditional requests when the API sends
/// an ETag (If-None-Match -> 304), and the same two reads against the bare ceiling endpoint, in the same run.
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

        using (var first = await api.Client.GetAsync(ListPath))
        {
            first.EnsureSuccessStatusCode();
            record.Set("detectors", double.Parse(first.Headers.GetValues("X-Total-Count").First(), CultureInfo.InvariantCulture));
        }

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

        // The ceiling: started now, reading the same database, measured the same way.
        var port = FreePort.Next();
        await using var ceiling = ServerProcess.Start(
            "dotnet",
            [typeof(ReadsScenario).Assembly.Location, "ceiling-reads", "--port", port.ToString(CultureInfo.InvariantCulture), "--connection-string", context.FleetConnectionString],
            Path.Combine(context.Work, "ceiling-reads.log"));
        if (!await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30), () => ceiling.HasExited))
        {
            throw new InvalidOperationException($"the ceiling endpoint did not start: {ceiling.LogTail()}");
        }

        await MeasureAsync(record, "ceilingList", $"http://127.0.0.1:{port}{ListPath}", key, s);
        await MeasureAsync(record, "ceilingOne", $"http://127.0.0.1:{port}{onePath}", key, s);
        await ceiling.StopAsync(TimeSpan.FromSeconds(10));
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
