using System.Data.Common;
using Fleet.Api.Data;
using Fleet.Api.Health;
using Fleet.Domain.Messages;

namespace Fleet.Api.Ingest;

/// <summary>The hand-written statements of one batch, on the transaction of the writer's DbContext.</summary>
internal sealed class IngestCommands(DbConnection connection, DbTransaction transaction, ISqlDialect dialect, int? timeout)
{
    /// <summary>The stored rows of these detectors (locked where the provider can), by id.</summary>
    public async Task<Dictionary<string, StoredDetector>> ReadStoredAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        await using var command = Command(IngestSql.ReadStored(dialect.ForUpdate, dialect.HasArrays ? 0 : ids.Count));
        if (dialect.HasArrays)
        {
            command.Parameters.Add(dialect.Column("ids", SqlType.Text, ids.ToArray()));
        }
        else
        {
            for (var r = 0; r < ids.Count; r++)
            {
                command.Parameters.Add(dialect.Text($"i{r}", ids[r]));
            }
        }

        return await ReadRowsAsync(command, ct);
    }

    /// <summary>One round of states (one per detector); returns the rows the guard let through, as stored after.</summary>
    public async Task<Dictionary<string, StoredDetector>> UpsertStatesAsync(IReadOnlyList<IngestWrite> writes, DateTimeOffset now, DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var command = Command(IngestSql.UpsertStates(dialect.Greatest, dialect.HasArrays ? 0 : writes.Count));
        var p = command.Parameters;
        p.Add(dialect.Timestamp("now", now));
        p.Add(dialect.Timestamp("reset_cutoff", cutoff));
        if (dialect.HasArrays)
        {
            AddStateColumns(p, writes);
            return await ReadRowsAsync(command, ct);
        }

        // The parameters StateWriteColumns names, suffixed with the row number; typed calls, not a loop over the map,
        // so no value is boxed on the hot path.
        for (var r = 0; r < writes.Count; r++)
        {
            var (id, state) = (writes[r].DetectorId, writes[r].State!);
            p.Add(dialect.Text($"i{r}", id));
            p.Add(dialect.LongNumber($"e{r}", state.Epoch));
            p.Add(dialect.LongNumber($"s{r}", state.Seq));
            p.Add(dialect.Timestamp($"sa{r}", state.SentAt));
            p.Add(dialect.Number($"hb{r}", state.HeartbeatSeconds));
            p.Add(dialect.Text($"pk{r}", state.Provider?.Kind));
            p.Add(dialect.Text($"pv{r}", state.Provider?.Version));
            p.Add(dialect.Text($"ps{r}", state.Provider?.State));
            p.Add(dialect.Number($"pr{r}", state.Provider?.Restarts));
            p.Add(dialect.Text($"pe{r}", state.Provider?.Error));
            p.Add(dialect.Text($"prr{r}", state.Provider?.Reason));
            p.Add(dialect.Timestamp($"psi{r}", state.Provider?.Since));
            p.Add(dialect.Text($"nga{r}", state.Provider?.NgrokAccount));
            p.Add(dialect.Text($"av{r}", state.Agent?.Version));
            p.Add(dialect.Text($"ah{r}", state.Agent?.Hostname));
            p.Add(dialect.Text($"ao{r}", state.Agent?.Os));
            p.Add(dialect.Text($"aa{r}", state.Agent?.Arch));
            p.Add(dialect.Timestamp($"ast{r}", state.Agent?.StartedAt));
            p.Add(dialect.Text($"th{r}", TunnelFingerprint.Of(state.Tunnels)));
            p.Add(dialect.Text($"inc{r}", state.Instance));
            p.Add(dialect.Text($"hs{r}", state.Health?.Status));
            p.Add(dialect.Text($"hj{r}", HealthRecords.Json(state.Health)));
        }

        return await ReadRowsAsync(command, ct);
    }

    /// <summary>One round of presence messages (one per detector); returns the rows the guard let through.</summary>
    public async Task<Dictionary<string, StoredDetector>> UpsertStatusesAsync(IReadOnlyList<IngestWrite> writes, DateTimeOffset now, DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var command = Command(IngestSql.UpsertStatuses(dialect.Greatest, writes.Count));
        var p = command.Parameters;
        p.Add(dialect.Timestamp("now", now));
        p.Add(dialect.Timestamp("reset_cutoff", cutoff));
        for (var r = 0; r < writes.Count; r++)
        {
            var status = writes[r].Status!;
            p.Add(dialect.Text($"i{r}", writes[r].DetectorId));
            p.Add(dialect.Text($"st{r}", status.State.ToWire()));
            p.Add(dialect.LongNumber($"e{r}", status.Epoch));
            p.Add(dialect.Text($"inc{r}", status.Instance));

            // A will is said by the broker, not by the detector: it is no sign of life.
            p.Add(dialect.Timestamp($"seen{r}", status.State == Presence.Lost ? null : now));
        }

        return await ReadRowsAsync(command, ct);
    }

    // One array per parameter StateWriteColumns binds, for its unnest.
    private void AddStateColumns(DbParameterCollection p, IReadOnlyList<IngestWrite> writes)
    {
        T[] Column<T>(Func<StateMessage, T> value) => [.. writes.Select(w => value(w.State!))];
        static DateTime? Utc(DateTimeOffset? at) => at?.UtcDateTime;
        p.Add(dialect.Column("i", SqlType.Text, writes.Select(w => w.DetectorId).ToArray()));
        p.Add(dialect.Column("e", SqlType.LongNumber, Column(s => s.Epoch)));
        p.Add(dialect.Column("s", SqlType.LongNumber, Column(s => s.Seq)));
        p.Add(dialect.Column("sa", SqlType.Timestamp, Column(s => Utc(s.SentAt))));
        p.Add(dialect.Column("hb", SqlType.Number, Column(s => s.HeartbeatSeconds)));
        p.Add(dialect.Column("pk", SqlType.Text, Column(s => s.Provider?.Kind)));
        p.Add(dialect.Column("pv", SqlType.Text, Column(s => s.Provider?.Version)));
        p.Add(dialect.Column("ps", SqlType.Text, Column(s => s.Provider?.State)));
        p.Add(dialect.Column("pr", SqlType.Number, Column(s => s.Provider?.Restarts)));
        p.Add(dialect.Column("pe", SqlType.Text, Column(s => s.Provider?.Error)));
        p.Add(dialect.Column("prr", SqlType.Text, Column(s => s.Provider?.Reason)));
        p.Add(dialect.Column("psi", SqlType.Timestamp, Column(s => Utc(s.Provider?.Since))));
        p.Add(dialect.Column("nga", SqlType.Text, Column(s => s.Provider?.NgrokAccount)));
        p.Add(dialect.Column("av", SqlType.Text, Column(s => s.Agent?.Version)));
        p.Add(dialect.Column("ah", SqlType.Text, Column(s => s.Agent?.Hostname)));
        p.Add(dialect.Column("ao", SqlType.Text, Column(s => s.Agent?.Os)));
        p.Add(dialect.Column("aa", SqlType.Text, Column(s => s.Agent?.Arch)));
        p.Add(dialect.Column("ast", SqlType.Timestamp, Column(s => Utc(s.Agent?.StartedAt))));
        p.Add(dialect.Column("th", SqlType.Text, Column(s => TunnelFingerprint.Of(s.Tunnels))));
        p.Add(dialect.Column("inc", SqlType.Text, Column(s => s.Instance)));
        p.Add(dialect.Column("hs", SqlType.Text, Column(s => s.Health?.Status)));
        p.Add(dialect.Column("hj", SqlType.Text, Column(s => HealthRecords.Json(s.Health))));
    }

    private DbCommand Command(string text)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        if (timeout is { } seconds)
        {
            command.CommandTimeout = seconds;
        }

        return command;
    }

    private static async Task<Dictionary<string, StoredDetector>> ReadRowsAsync(DbCommand command, CancellationToken ct)
    {
        var rows = new Dictionary<string, StoredDetector>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows[reader.GetString(StoredColumns.Id)] = new StoredDetector(
                reader.IsDBNull(StoredColumns.Epoch) ? null : reader.GetInt64(StoredColumns.Epoch),
                reader.GetString(StoredColumns.Status),
                reader.IsDBNull(StoredColumns.StatusEpoch) ? null : reader.GetInt64(StoredColumns.StatusEpoch),
                reader.IsDBNull(StoredColumns.ProviderError) ? null : reader.GetString(StoredColumns.ProviderError),
                reader.IsDBNull(StoredColumns.TunnelsHash) ? null : reader.GetString(StoredColumns.TunnelsHash),
                reader.GetString(StoredColumns.Reachability),
                reader.IsDBNull(StoredColumns.Seq) ? null : reader.GetInt64(StoredColumns.Seq),
                !reader.IsDBNull(StoredColumns.StateAt),
                reader.IsDBNull(StoredColumns.Instance) ? null : reader.GetString(StoredColumns.Instance),
                reader.IsDBNull(StoredColumns.PreviousInstance) ? null : reader.GetString(StoredColumns.PreviousInstance),
                reader.IsDBNull(StoredColumns.HealthStatus) ? null : reader.GetString(StoredColumns.HealthStatus),
                reader.IsDBNull(StoredColumns.ProviderKind) ? null : reader.GetString(StoredColumns.ProviderKind));
        }

        return rows;
    }
}
