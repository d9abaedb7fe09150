using System.Globalization;
using System.Text.Json;

using Npgsql;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// The reads ceiling: a bare Kestrel minimal API reading the same page straight from PostgreSQL with Npgsql (keyset on
/// id, then the page's tunnels) and writing JSON with Utf8JsonWriter. No auth, no EF, no limits, no OpenTelemetry.
/// </summary>
internal static class ReadsCeilingServer
{
    private const string PageSql = """
        SELECT id, name, tags, notes, location, status, status_since, last_seen_at, epoch, seq,
               provider_kind, provider_version, provider_state, provider_restarts, provider_error,
               agent_version, agent_hostname, agent_os, agent_arch
        FROM detectors WHERE id > @after ORDER BY id LIMIT @limit
        """;

    private const string OneSql = """
        SELECT id, name, tags, notes, location, status, status_since, last_seen_at, epoch, seq,
               provider_kind, provider_version, provider_state, provider_restarts, provider_error,
               agent_version, agent_hostname, agent_os, agent_arch
        FROM detectors WHERE id = @id
        """;

    private const string TunnelsSql = """
        SELECT detector_id, name, url, proto, upstream, since FROM tunnels WHERE detector_id = ANY(@ids) ORDER BY detector_id, name
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        if (Option("--port") is not { } port || Option("--connection-string") is not { } connectionString)
        {
            await Console.Error.WriteLineAsync("Usage: fleet-bench ceiling-reads --port P --connection-string CS");
            return 2;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var app = builder.Build();

        app.MapGet("/detectors", async (HttpContext http, int? limit, string? after) =>
        {
            var rows = await ReadAsync(dataSource, PageSql, c =>
            {
                c.Parameters.AddWithValue("after", after ?? string.Empty);
                c.Parameters.AddWithValue("limit", Math.Clamp(limit ?? 100, 1, 1000));
            });
            await WriteAsync(http, rows, single: false);
        });
        app.MapGet("/detectors/{id}", async (HttpContext http, string id) =>
        {
            var rows = await ReadAsync(dataSource, OneSql, c => c.Parameters.AddWithValue("id", id));
            if (rows.Count == 0)
            {
                http.Response.StatusCode = 404;
                return;
            }

            await WriteAsync(http, rows, single: true);
        });

        await app.RunAsync();
        return 0;
    }

    private static async Task<List<object?[]>> ReadAsync(NpgsqlDataSource dataSource, string sql, Action<NpgsqlCommand> parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = new List<object?[]>();
        await using (var command = new NpgsqlCommand(sql, connection))
        {
            parameters(command);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var row = new object?[reader.FieldCount + 1];
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row[i] = await reader.IsDBNullAsync(i) ? null : reader.GetValue(i);
                }

                row[^1] = new List<object?[]>();
                rows.Add(row);
            }
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        var byId = rows.ToDictionary(r => (string)r[0]!, StringComparer.Ordinal);
        await using var tunnels = new NpgsqlCommand(TunnelsSql, connection);
        tunnels.Parameters.AddWithValue("ids", byId.Keys.ToArray());
        await using var tunnelReader = await tunnels.ExecuteReaderAsync();
        while (await tunnelReader.ReadAsync())
        {
            var tunnel = new object?[tunnelReader.FieldCount];
            for (var i = 0; i < tunnelReader.FieldCount; i++)
            {
                tunnel[i] = await tunnelReader.IsDBNullAsync(i) ? null : tunnelReader.GetValue(i);
            }

            ((List<object?[]>)byId[(string)tunnel[0]!][^1]!).Add(tunnel);
        }

        return rows;
    }

    private static async Task WriteAsync(HttpContext http, List<object?[]> rows, bool single)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(http.Response.BodyWriter.AsStream());
        if (!single)
        {
            json.WriteStartArray();
        }

        foreach (var row in rows)
        {
            var id = (string)row[0]!;
            json.WriteStartObject();
            json.WriteString("id", id);
            Text(json, "name", row[1]);
            json.WriteStartArray("tags");
            foreach (var tag in row[2] as string[] ?? [])
            {
                json.WriteStringValue(tag);
            }

            json.WriteEndArray();
            Text(json, "notes", row[3]);
            Text(json, "location", row[4]);
            Text(json, "status", row[5]);
            Time(json, "statusSince", row[6]);
            Time(json, "lastSeenAt", row[7]);
            json.WriteStartArray("tunnels");
            foreach (var tunnel in (List<object?[]>)row[^1]!)
            {
                json.WriteStartObject();
                Text(json, "name", tunnel[1]);
                Text(json, "url", tunnel[2]);
                Text(json, "proto", tunnel[3]);
                Text(json, "upstream", tunnel[4]);
                Time(json, "since", tunnel[5]);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("provider");
            Text(json, "kind", row[10]);
            Text(json, "version", row[11]);
            Text(json, "state", row[12]);
            Number(json, "restarts", row[13]);
            Text(json, "error", row[14]);
            json.WriteEndObject();
            json.WriteStartObject("agent");
            Text(json, "version", row[15]);
            Text(json, "hostname", row[16]);
            Text(json, "os", row[17]);
            Text(json, "arch", row[18]);
            json.WriteEndObject();
            Number(json, "epoch", row[8]);
            Number(json, "seq", row[9]);
            json.WriteStartObject("links");
            json.WriteString("self", $"/detectors/{id}");
            json.WriteString("open", $"/d/{id}");
            json.WriteString("history", $"/detectors/{id}/history");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        if (!single)
        {
            json.WriteEndArray();
        }

        await json.FlushAsync();
    }

    private static void Text(Utf8JsonWriter json, string name, object? value)
    {
        if (value is string text)
        {
            json.WriteString(name, text);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Time(Utf8JsonWriter json, string name, object? value)
    {
        if (value is DateTime time)
        {
            json.WriteString(name, time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Number(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case long l:
                json.WriteNumber(name, l);
                break;
            case int i:
                json.WriteNumber(name, i);
                break;
            default:
                json.WriteNull(name);
                break;
        }
    }
}
