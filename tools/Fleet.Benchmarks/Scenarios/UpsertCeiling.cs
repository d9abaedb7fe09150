using System.Diagnostics;

using Npgsql;

using NpgsqlTypes;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// The database ceiling of ingest: state messages written with no MQTT at all, as one version-guarded multi-row upsert
/// per batch (detectors, then the tunnels of the rows that applied) into the API's own schema, one writer, one
/// transaction per batch. The API must do at least this per message (plus parsing, events and acknowledgements).
/// </summary>
internal static class UpsertCeiling
{
    private const string Sql = """
        WITH batch AS (
            SELECT * FROM unnest(@ids, @epochs, @seqs, @urls) AS b(id, epoch, seq, url)
        ),
        applied AS (
            INSERT INTO detectors AS d (id, epoch, seq, state_at, sent_at, heartbeat_seconds,
                provider_kind, provider_version, provider_state, provider_restarts,
                agent_version, agent_hostname, agent_os, agent_arch,
                status, status_epoch, status_since, last_seen_at, created_at)
            SELECT b.id, b.epoch, b.seq, @now, @now, 60, 'ngrok', '3.19.0', 'running', 0,
                '1.0.0', b.id, 'Debian GNU/Linux 12', 'arm64', 'online', b.epoch, @now, @now, @now
            FROM batch b
            ON CONFLICT (id) DO UPDATE SET
                epoch = excluded.epoch, seq = excluded.seq, state_at = excluded.state_at, sent_at = excluded.sent_at,
                heartbeat_seconds = excluded.heartbeat_seconds, provider_state = excluded.provider_state,
                last_seen_at = excluded.last_seen_at,
                status = CASE WHEN d.status_epoch IS NULL OR d.status_epoch < excluded.epoch THEN 'online' ELSE d.status END,
                status_epoch = GREATEST(d.status_epoch, excluded.epoch)
            WHERE d.epoch IS NULL OR (d.epoch, d.seq) < (excluded.epoch, excluded.seq)
            RETURNING d.id
        )
        INSERT INTO tunnels AS t (detector_id, name, url, proto, upstream, since)
        SELECT b.id, 'web', b.url, 'https', 'http://localhost:80', @now
        FROM batch b JOIN applied a ON a.id = b.id
        ON CONFLICT (detector_id, name) DO UPDATE SET
            url = excluded.url,
            since = CASE WHEN t.url = excluded.url THEN t.since ELSE excluded.since END
        WHERE t.url IS DISTINCT FROM excluded.url
        """;

    /// <summary>Rows per second over <paramref name="seconds"/> after one warm-up pass over the fleet.</summary>
    public static async Task<(double RowsPerSecond, long Rows, long Batches)> MeasureAsync(
        string connectionString, int fleet, int batchSize, double urlChurn, int seconds, long epoch)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var ids = Enumerable.Range(1, fleet).Select(i => $"ceil-{i:00000}").ToArray();
        var seqs = new long[fleet];
        var urls = ids.Select(id => $"https://{id}-0.ngrok-free.app").ToArray();
        var random = new Random(42);
        var next = 0;

        async Task<int> BatchAsync()
        {
            // Distinct ids per batch: one INSERT ... ON CONFLICT may not touch a row twice.
            var size = Math.Min(batchSize, fleet);
            var batchIds = new string[size];
            var batchEpochs = new long[size];
            var batchSeqs = new long[size];
            var batchUrls = new string[size];
            for (var i = 0; i < size; i++)
            {
                var d = next;
                next = (next + 1) % fleet;
                seqs[d]++;
                if (random.NextDouble() < urlChurn)
                {
                    urls[d] = $"https://{ids[d]}-{seqs[d]}.ngrok-free.app";
                }

                batchIds[i] = ids[d];
                batchEpochs[i] = epoch;
                batchSeqs[i] = seqs[d];
                batchUrls[i] = urls[d];
            }

            await using var transaction = await connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand(Sql, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = batchIds });
            command.Parameters.Add(new NpgsqlParameter("epochs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = batchEpochs });
            command.Parameters.Add(new NpgsqlParameter("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = batchSeqs });
            command.Parameters.Add(new NpgsqlParameter("urls", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = batchUrls });
            command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = DateTimeOffset.UtcNow });
            await command.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
            return size;
        }

        // Warm-up: every detector and tunnel exists, as in a running fleet.
        for (var written = 0; written < fleet; written += await BatchAsync())
        {
        }

        long rows = 0;
        long batches = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            rows += await BatchAsync();
            batches++;
        }

        return (rows / clock.Elapsed.TotalSeconds, rows, batches);
    }
}
