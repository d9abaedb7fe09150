using System.Net.Http.Headers;
using System.Text.Json;

using Npgsql;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// The reads ceilings, one Kestrel minimal API with no auth, EF, limits or OpenTelemetry:
/// <list type="bullet">
/// <item>/detectors and /detectors/{id}: the API's own statements (<see cref="CeilingSql"/>, same plans) through
/// Npgsql with typed getters, written with Utf8JsonWriter as they are read;</item>
/// <item>/static/detectors and /static/detectors/{id}: the exact bodies the API answered for the measured list and
/// one-detector paths (fetched once at start), served from memory with the API's content type: no database at all.</item>
/// </list>
/// </summary>
internal static class ReadsCeilingServer
{
    /// <summary>The API key for the static bodies' one fetch comes through the environment, never the command line.</summary>
    public const string ApiKeyVariable = "FLEET_BENCH_API_KEY";

    public const string StaticPrefix = "/static";

    public static async Task<int> RunAsync(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        if (Option("--port") is not { } port || Option("--connection-string") is not { } connectionString
            || Option("--api") is not { } api || Option("--list-path") is not { } listPath || Option("--one-path") is not { } onePath
            || Environment.GetEnvironmentVariable(ApiKeyVariable) is not { Length: > 0 } apiKey)
        {
            await Console.Error.WriteLineAsync($"Usage: {ApiKeyVariable}=KEY fleet-bench ceiling-reads --port P --connection-string CS --api URL --list-path P --one-path P");
            return 2;
        }

        var list = await FetchAsync(api, listPath, apiKey);
        var one = await FetchAsync(api, onePath, apiKey);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();

        // Only what fails (a 500 names its exception in ceiling-reads.log), no request logging in the measured path.
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var app = builder.Build();
        var totals = new CeilingTotal();

        app.MapGet("/detectors", (HttpContext http, int? limit, string? after) => PageAsync(http, dataSource, totals, Math.Clamp(limit ?? 100, 1, 1000), after));
        app.MapGet("/detectors/{id}", (HttpContext http, string id) => OneAsync(http, dataSource, id));
        app.MapGet(StaticPrefix + "/detectors", (HttpContext http) => StaticAsync(http, list));
        app.MapGet(StaticPrefix + "/detectors/{id}", (HttpContext http) => StaticAsync(http, one));

        await app.RunAsync();
        return 0;
    }

    private static async Task<(byte[] Body, string ContentType)> FetchAsync(string api, string path, string apiKey)
    {
        using var client = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.ToString() ?? "application/json");
    }

    private static Task StaticAsync(HttpContext http, (byte[] Body, string ContentType) answer)
    {
        http.Response.ContentType = answer.ContentType;
        http.Response.ContentLength = answer.Body.Length;
        return http.Response.Body.WriteAsync(answer.Body).AsTask();
    }

    private static async Task PageAsync(HttpContext http, NpgsqlDataSource dataSource, CeilingTotal totals, int limit, string? after)
    {
        var known = totals.Known;
        await using var command = dataSource.CreateCommand(CeilingSql.Page(after is not null));
        if (after is not null)
        {
            command.Parameters.AddWithValue("after", after);
        }

        command.Parameters.AddWithValue("take", limit + 1);
        command.Parameters.AddWithValue("known_mark", known.Mark);
        command.Parameters.AddWithValue("known_total", known.Total);
        await using var reader = await command.ExecuteReaderAsync();

        // The mark's row is there even for an empty page (LEFT JOIN). Like the API, the total is counted once per mark
        // and remembered (DetectorTotals); it goes in a header, so before the body starts.
        if (!await reader.ReadAsync())
        {
            throw new InvalidOperationException("The page statement returned no mark.");
        }

        totals.Remember(reader.GetString(0), reader.GetInt64(1));
        http.Response.Headers["X-Total-Count"] = reader.GetInt64(1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(http.Response.BodyWriter);
        json.WriteStartArray();
        var writer = new DetectorJson(reader, CeilingSql.PageOffset);
        do
        {
            writer.Row(json, limit);
        }
        while (await reader.ReadAsync());

        writer.End(json);
        json.WriteEndArray();
        await json.FlushAsync();
    }

    private static async Task OneAsync(HttpContext http, NpgsqlDataSource dataSource, string id)
    {
        await using var command = dataSource.CreateCommand(CeilingSql.One);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            http.Response.StatusCode = 404;
            return;
        }

        http.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(http.Response.BodyWriter);
        var writer = new DetectorJson(reader, 0);
        do
        {
            writer.Row(json, 1);
        }
        while (await reader.ReadAsync());

        writer.End(json);
        await json.FlushAsync();
    }

    /// <summary>The last mark and its total, as the API's DetectorTotals keeps them for the unfiltered list.</summary>
    private sealed class CeilingTotal
    {
        private volatile Known _known = new("-", 0);

        public Known Known => _known;

        public void Remember(string mark, long total) => _known = new Known(mark, total);
    }

    private sealed record Known(string Mark, long Total);
}
