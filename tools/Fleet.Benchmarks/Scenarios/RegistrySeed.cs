using System.Globalization;

using Npgsql;

using NpgsqlTypes;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// Fills a database (migrated, emptied) with <c>count</c> detectors, two tunnels each, through binary COPY: realistic
/// values in every column a view shows (status, last seen, provider, agent, tags, health JSON with facts and checks,
/// tunnel checks), so the registry holds what a real fleet makes it hold. Columns as in the migrations
/// (src/Fleet.Api/Data/DetectorRecord.cs, TunnelRecord.cs).
/// </summary>
internal static class RegistrySeed
{
    private static readonly string[] Statuses = ["online", "online", "online", "offline", "lost"];
    private static readonly string[] Sites = ["site-berlin", "site-lisbon", "site-oslo", "site-rome", "site-tallinn", "site-vienna", "site-porto", "site-lyon"];

    public static async Task FillAsync(string connectionString, int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var clear = new NpgsqlCommand("TRUNCATE detectors, tunnels CASCADE", connection))
        {
            await clear.ExecuteNonQueryAsync();
        }

        var now = DateTime.UtcNow;
        await using (var detectors = await connection.BeginBinaryImportAsync("""
            COPY detectors (id, name, tags, notes, location, status, status_since, last_seen_at, epoch, seq,
                provider_kind, provider_version, provider_state, provider_restarts, agent_version, agent_hostname, agent_os,
                agent_arch, agent_started_at, created_at, version, state_at, reachability, reachability_since, health_status,
                health, heartbeat_seconds, ngrok_account) FROM STDIN (FORMAT BINARY)
            """))
        {
            for (var i = 0; i < count; i++)
            {
                var id = Id(i);
                var status = Statuses[i % Statuses.Length];
                var seen = now.AddSeconds(-(i % 600));
                await detectors.StartRowAsync();
                await detectors.WriteAsync(id, NpgsqlDbType.Varchar);
                await detectors.WriteAsync($"Detector {i:000000} ({Sites[i % Sites.Length][5..]})", NpgsqlDbType.Varchar);
                await detectors.WriteAsync(new[] { Sites[i % Sites.Length], i % 3 == 0 ? "rack-a" : "rack-b", "prod" }, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await detectors.WriteAsync<string?>(i % 10 == 0 ? "replaced the SD card in November" : null, NpgsqlDbType.Text);
                await detectors.WriteAsync($"building {i % 40}, floor {i % 5}", NpgsqlDbType.Text);
                await detectors.WriteAsync(status, NpgsqlDbType.Varchar);
                await detectors.WriteAsync(seen.AddHours(-3), NpgsqlDbType.TimestampTz);
                await detectors.WriteAsync(seen, NpgsqlDbType.TimestampTz);
                await detectors.WriteAsync(1_733_000_000_000L + i, NpgsqlDbType.Bigint);
                await detectors.WriteAsync((long)(i % 5000), NpgsqlDbType.Bigint);
                await detectors.WriteAsync("ngrok", NpgsqlDbType.Text);
                await detectors.WriteAsync("3.18.4", NpgsqlDbType.Text);
                await detectors.WriteAsync("running", NpgsqlDbType.Text);
                await detectors.WriteAsync(i % 7, NpgsqlDbType.Integer);
                await detectors.WriteAsync("1.4.2", NpgsqlDbType.Text);
                await detectors.WriteAsync($"det-{i:000000}.lab.example", NpgsqlDbType.Text);
                await detectors.WriteAsync("linux", NpgsqlDbType.Text);
                await detectors.WriteAsync(i % 2 == 0 ? "arm64" : "x64", NpgsqlDbType.Text);
                await detectors.WriteAsync(seen.AddDays(-2), NpgsqlDbType.TimestampTz);
                await detectors.WriteAsync(now.AddDays(-30), NpgsqlDbType.TimestampTz);
                await detectors.WriteAsync((long)(i + 1), NpgsqlDbType.Bigint);
                await detectors.WriteAsync(seen, NpgsqlDbType.TimestampTz);
                await detectors.WriteAsync(status == "online" ? "reachable" : "unknown", NpgsqlDbType.Varchar);
                await detectors.WriteAsync(seen.AddHours(-1), NpgsqlDbType.TimestampTz);
                await detectors.WriteAsync(i % 20 == 0 ? "warn" : "ok", NpgsqlDbType.Varchar);
                await detectors.WriteAsync(Health(i, seen), NpgsqlDbType.Text);
                await detectors.WriteAsync(60, NpgsqlDbType.Integer);
                await detectors.WriteAsync($"account-{i % 12}", NpgsqlDbType.Text);
            }

            await detectors.CompleteAsync();
        }

        await using var tunnels = await connection.BeginBinaryImportAsync("""
            COPY tunnels (detector_id, name, url, proto, upstream, since, started_at, check_outcome, check_code, check_http_status,
                check_latency_ms, check_at) FROM STDIN (FORMAT BINARY)
            """);
        for (var i = 0; i < count; i++)
        {
            foreach (var (name, proto, upstream) in new[] { ("web", "https", "http://localhost:8080"), ("ssh", "tcp", "localhost:22") })
            {
                await tunnels.StartRowAsync();
                await tunnels.WriteAsync(Id(i), NpgsqlDbType.Varchar);
                await tunnels.WriteAsync(name, NpgsqlDbType.Varchar);
                await tunnels.WriteAsync(proto == "tcp" ? $"tcp://{i % 10}.tcp.eu.ngrok.io:{10000 + i % 50000}" : $"https://{Id(i)}-{i:x8}.ngrok-free.app", NpgsqlDbType.Varchar);
                await tunnels.WriteAsync(proto, NpgsqlDbType.Text);
                await tunnels.WriteAsync(upstream, NpgsqlDbType.Text);
                await tunnels.WriteAsync(now.AddHours(-(i % 48)), NpgsqlDbType.TimestampTz);
                await tunnels.WriteAsync(now.AddHours(-(i % 48)), NpgsqlDbType.TimestampTz);
                await tunnels.WriteAsync("ok", NpgsqlDbType.Varchar);
                await tunnels.WriteAsync<string?>(null, NpgsqlDbType.Varchar);
                await tunnels.WriteAsync<int?>(proto == "https" ? 200 : null, NpgsqlDbType.Integer);
                await tunnels.WriteAsync(20 + i % 80, NpgsqlDbType.Integer);
                await tunnels.WriteAsync(now.AddSeconds(-(i % 60)), NpgsqlDbType.TimestampTz);
            }
        }

        await tunnels.CompleteAsync();
    }

    public static string Id(int i) => $"mem-{i:000000}";

    private static string Health(int i, DateTime at)
    {
        var stamp = at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var outcome = i % 20 == 0 ? "warn" : "ok";
        return $$"""
            {"status":"{{outcome}}","facts":{"uptimeSeconds":{{86400 + i}},"diskFreeBytes":{{12884901888L + i}},"diskTotalBytes":31914983424,"load":[0.42,0.35,0.30],"memoryAvailableBytes":612368384,"memoryTotalBytes":3978678272,"cpuTemperatureC":51.5,"throttled":"0x0","publicIp":"203.0.113.{{i % 250}}"},"checks":[{"name":"daq","outcome":"{{outcome}}","text":"acquisition running","checkedAt":"{{stamp}}"},{"name":"data-age","outcome":"ok","text":"newest file","value":12,"checkedAt":"{{stamp}}"}]}
            """;
    }
}
