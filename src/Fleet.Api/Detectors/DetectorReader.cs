using System.Data;
using System.Data.Common;
using Fleet.Api.Data;
using Fleet.Api.Errors;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using C = Fleet.Api.Detectors.DetectorColumns;

namespace Fleet.Api.Detectors;

/// <summary>
/// The hot read path: no change tracking, no EF query pipeline, one round trip per answer on the DbContext's own
/// connection, and a time budget (<see cref="DatabaseOptions.ReadTimeout"/>) after which the read fails as
/// <see cref="DatabaseUnavailableException"/> (a 503) instead of hanging on an unreachable database.
/// </summary>
internal sealed class DetectorReader(FleetDbContext db, ISqlDialect dialect, DetectorTotals totals, IOptions<DatabaseOptions> options)
{
    /// <summary>The ETag the list would have now, without reading the page.</summary>
    public Task<EntityTagHeaderValue> ListTagAsync(DetectorQuery query, CancellationToken ct) =>
        WithinBudgetAsync(_ => DetectorReadSql.Mark(dialect), async (reader, token) => Tag(query, await DetectorReadSql.ReadMarkAsync(reader, token)), ct);

    /// <summary>The list's tag, its total and one page, all from one statement (one snapshot): the tag describes exactly this page.</summary>
    public Task<ListPage> ListAsync(DetectorQuery query, CancellationToken ct) =>
        WithinBudgetAsync(
            command => DetectorReadSql.Page(query, command, dialect, totals.Get(query)),
            async (reader, token) =>
            {
                ListMark? mark = null;
                var rows = new List<DetectorRecord>();
                while (await reader.ReadAsync(token))
                {
                    mark ??= DetectorReadSql.MarkFromRow(reader);
                    AddRow(reader, DetectorReadSql.PageOffset, rows);
                }

                // The mark's row is there even for an empty page (LEFT JOIN).
                _ = mark ?? throw new InvalidOperationException("The page statement returned no mark.");
                totals.Remember(query, mark);
                var more = rows.Count > query.Limit;
                if (more)
                {
                    rows.RemoveAt(rows.Count - 1);
                }

                return new ListPage(Tag(query, mark), mark.Total, [.. rows.Select(r => r.ToView())], more ? rows[^1].Id : null);
            },
            ct);

    /// <summary>The detector's version, or null when it does not exist.</summary>
    public Task<long?> VersionAsync(string id, CancellationToken ct) =>
        WithinBudgetAsync(
            command =>
            {
                command.Parameters.Add(dialect.Text("id", id));
                return DetectorReadSql.VersionOfOne;
            },
            async (reader, token) => await reader.ReadAsync(token) ? reader.GetInt64(0) : (long?)null,
            ct);

    /// <summary>The detector with its tunnels (its version included, read in the same statement), or null.</summary>
    public Task<DetectorRecord?> FindAsync(string id, CancellationToken ct) =>
        WithinBudgetAsync(
            command =>
            {
                command.Parameters.Add(dialect.Text("id", id));
                return DetectorReadSql.One;
            },
            async (reader, token) => (await ReadDetectorsAsync(reader, token)).SingleOrDefault(),
            ct);

    /// <summary>The detectors of these ids that exist, with their tunnels, in one statement (the live stream's views).</summary>
    public Task<List<DetectorRecord>> FindManyAsync(IReadOnlyList<string> ids, CancellationToken ct) =>
        ids.Count == 0
            ? Task.FromResult(new List<DetectorRecord>())
            : WithinBudgetAsync(command => DetectorReadSql.Many(ids, command, dialect), ReadDetectorsAsync, ct);

    /// <summary>
    /// Every detector with its tunnels, each handed to <paramref name="each"/> as soon as its last row is read, so a
    /// whole fleet is never held as records; within the command timeout, not the read budget.
    /// </summary>
    public Task<int> ForEachAsync(Action<DetectorRecord> each, CancellationToken ct) =>
        WithinBudgetAsync(
            _ => DetectorReadSql.All,
            async (reader, token) =>
            {
                var window = new List<DetectorRecord>(2);
                var count = 0;
                while (await reader.ReadAsync(token))
                {
                    AddRow(reader, 0, window);
                    if (window.Count == 2)
                    {
                        each(window[0]);
                        window.RemoveAt(0);
                        count++;
                    }
                }

                foreach (var detector in window)
                {
                    each(detector);
                    count++;
                }

                return count;
            },
            ct,
            options.Value.CommandTimeout);

    /// <summary>Every detector's id and version.</summary>
    public Task<Dictionary<string, long>> VersionsAsync(CancellationToken ct) =>
        WithinBudgetAsync(
            _ => DetectorReadSql.Versions,
            async (reader, token) =>
            {
                var versions = new Dictionary<string, long>(StringComparer.Ordinal);
                while (await reader.ReadAsync(token))
                {
                    versions[reader.GetString(0)] = reader.GetInt64(1);
                }

                return versions;
            },
            ct,
            options.Value.CommandTimeout);

    private static EntityTagHeaderValue Tag(DetectorQuery query, ListMark mark) =>
        DetectorETags.ForList(query, mark.Mark);

    private async Task<T> WithinBudgetAsync<T>(
        Func<DbCommand, string> prepare, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken ct, TimeSpan? within = null)
    {
        var budget = within ?? options.Value.ReadTimeout;
        return await ReadBudget.RunAsync(budget, async token =>
        {
            await db.Database.OpenConnectionAsync(token);
            try
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = prepare(command);
                command.CommandTimeout = Math.Max(1, (int)Math.Ceiling(budget.TotalSeconds));
                await using var reader = await command.ExecuteReaderAsync(CommandBehavior.Default, token);
                return await read(reader, token);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, ct);
    }

    /// <summary>Rows of detectors LEFT JOIN tunnels, ordered by detector: one record per detector with its tunnels.</summary>
    private async Task<List<DetectorRecord>> ReadDetectorsAsync(DbDataReader reader, CancellationToken ct)
    {
        var detectors = new List<DetectorRecord>();
        while (await reader.ReadAsync(ct))
        {
            AddRow(reader, 0, detectors);
        }

        return detectors;
    }

    /// <summary>Adds the row's detector (when it starts a new one) and its tunnel; columns start at <paramref name="offset"/>.</summary>
    private void AddRow(DbDataReader reader, int offset, List<DetectorRecord> detectors)
    {
        if (reader.IsDBNull(offset + C.Id))
        {
            return;
        }

        var id = reader.GetString(offset + C.Id);
        var current = detectors.Count > 0 && detectors[^1].Id == id ? detectors[^1] : null;
        if (current is null)
        {
            current = ReadDetector(reader, offset, id);
            detectors.Add(current);
        }

        if (!reader.IsDBNull(offset + C.TunnelName))
        {
            current.Tunnels.Add(new TunnelRecord
            {
                DetectorId = id,
                Name = reader.GetString(offset + C.TunnelName),
                Url = reader.GetString(offset + C.TunnelUrl),
                Proto = Text(reader, offset + C.TunnelProto),
                Upstream = Text(reader, offset + C.TunnelUpstream),
                Since = dialect.ReadTimestamp(reader, offset + C.TunnelSince) ?? default,
                CheckOutcome = Text(reader, offset + C.CheckOutcome),
                CheckCode = Text(reader, offset + C.CheckCode),
                CheckHttpStatus = Int(reader, offset + C.CheckHttpStatus),
                CheckLatencyMs = Int(reader, offset + C.CheckLatencyMs),
                CheckAt = dialect.ReadTimestamp(reader, offset + C.CheckAt),
                ProbeOutcome = Text(reader, offset + C.ProbeOutcome),
                ProbeCode = Text(reader, offset + C.ProbeCode),
                ProbeHttpStatus = Int(reader, offset + C.ProbeHttpStatus),
                ProbeLatencyMs = Int(reader, offset + C.ProbeLatencyMs),
                ProbeAt = dialect.ReadTimestamp(reader, offset + C.ProbeAt),
            });
        }
    }

    private DetectorRecord ReadDetector(DbDataReader reader, int o, string id) => new()
    {
        Id = id,
        Name = Text(reader, o + C.Name),
        Tags = dialect.ReadTags(reader, o + C.Tags),
        Notes = Text(reader, o + C.Notes),
        Location = Text(reader, o + C.Location),
        Status = reader.GetString(o + C.Status),
        StatusSince = dialect.ReadTimestamp(reader, o + C.StatusSince),
        LastSeenAt = dialect.ReadTimestamp(reader, o + C.LastSeenAt),
        Epoch = Long(reader, o + C.Epoch),
        Seq = Long(reader, o + C.Seq),
        ProviderKind = Text(reader, o + C.ProviderKind),
        ProviderVersion = Text(reader, o + C.ProviderVersion),
        ProviderState = Text(reader, o + C.ProviderState),
        ProviderRestarts = Int(reader, o + C.ProviderRestarts),
        ProviderError = Text(reader, o + C.ProviderError),
        ProviderReason = Text(reader, o + C.ProviderReason),
        ProviderSince = dialect.ReadTimestamp(reader, o + C.ProviderSince),
        NgrokAccount = Text(reader, o + C.NgrokAccount),
        AgentVersion = Text(reader, o + C.AgentVersion),
        AgentHostname = Text(reader, o + C.AgentHostname),
        AgentOs = Text(reader, o + C.AgentOs),
        AgentArch = Text(reader, o + C.AgentArch),
        AgentStartedAt = dialect.ReadTimestamp(reader, o + C.AgentStartedAt),
        Version = reader.GetInt64(o + C.Version),
        StateAt = dialect.ReadTimestamp(reader, o + C.StateAt),
        Reachability = Text(reader, o + C.Reachability) ?? ReachabilityStates.Unknown,
        ReachabilitySince = dialect.ReadTimestamp(reader, o + C.ReachabilitySince),
        HealthStatus = Text(reader, o + C.HealthStatus),
        Health = Text(reader, o + C.Health),
    };

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static int? Int(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    private static long? Long(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
