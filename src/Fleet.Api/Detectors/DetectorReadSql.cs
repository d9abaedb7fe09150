using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Fleet.Api.Data;

namespace Fleet.Api.Detectors;

/// <summary>
/// The hand-written SQL of the read path: one round trip for a page (its mark, the total and the detectors with their
/// tunnels through a LEFT JOIN), one for a conditional request. The filters mean exactly what the EF query they
/// replace meant. PostgreSQL and SQLite differ in the mark, the tag filter and how timestamps and tags are stored.
/// </summary>
internal sealed class DetectorReadSql
{
    public const string Columns = """
        d.id, d.name, d.tags, d.notes, d.location, d.status, d.status_since, d.last_seen_at, d.epoch, d.seq,
        d.provider_kind, d.provider_version, d.provider_state, d.provider_restarts, d.provider_error,
        d.agent_version, d.agent_hostname, d.agent_os, d.agent_arch, d.agent_started_at, d.version
        """;

    public const string TunnelColumns = "t.name, t.url, t.proto, t.upstream, t.since";

    public const int TunnelOrdinal = 21;

    private static readonly DetectorReadSql Postgres = new(true);
    private static readonly DetectorReadSql Sqlite = new(false);

    private readonly bool postgres;
    private readonly string before;
    private readonly string markSource;

    private DetectorReadSql(bool postgres)
    {
        this.postgres = postgres;

        // Two statements: the version issued before the snapshot, then the snapshot's writers in flight with the
        // version issued after it. Equal versions prove no version was drawn while the snapshot was taken
        // (DetectorETags). The xmin/xmax of the snapshot are left out on purpose: they move with any write anywhere
        // in the cluster, the in-flight list only while a writer is open.
        before = postgres ? $"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {ReadVersionsSql.Sequence};\n" : string.Empty;
        markSource = postgres
            ? $"""
              SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS v,
                  (SELECT coalesce(string_agg(x::text, ',' ORDER BY x), '') FROM pg_snapshot_xip(pg_current_snapshot()) AS x) AS f
              FROM {ReadVersionsSql.Sequence}
              """
            : $"SELECT value AS v, '' AS f FROM {ReadVersionsSql.SqliteCounterTable} WHERE name = 'detectors'";
    }

    /// <summary>
    /// PostgreSQL's planner would hash the whole tunnels table for a page of 100 (it underestimates index lookups);
    /// a LATERAL subquery that cannot be flattened (OFFSET 0) makes it one primary-key lookup per detector of the
    /// page: 0.3 ms instead of 2-9 ms for 10,000 detectors. SQLite has no LATERAL and loops over the index anyway.
    /// </summary>
    private string TunnelsJoin => postgres
        ? "LEFT JOIN LATERAL (SELECT * FROM tunnels t WHERE t.detector_id = d.id OFFSET 0) t ON true"
        : "LEFT JOIN tunnels t ON t.detector_id = d.id";

    /// <summary>The list's mark alone: see <see cref="ReadMarkAsync"/>.</summary>
    public string Mark => $"{before}SELECT m.v, m.f FROM ({markSource}) m;\n";

    public static string One => $"SELECT {Columns}, {TunnelColumns} FROM detectors d LEFT JOIN tunnels t ON t.detector_id = d.id WHERE d.id = @id;";

    public static string VersionOfOne => "SELECT version FROM detectors WHERE id = @id;";

    public static DetectorReadSql For(ISqlDialect dialect) => dialect is PostgresDialect ? Postgres : Sqlite;

    /// <summary>
    /// The mark and, in the same statement (so the same snapshot), the total of the filtered set, then one page
    /// (ordered by id, after the cursor) with its tunnels. The total is not counted again when the caller knows it
    /// for this very mark (<see cref="DetectorTotals"/>): equal marks mean equal data, so an equal count.
    /// </summary>
    public string Page(DetectorQuery query, DbCommand command, ISqlDialect dialect, KnownTotal known)
    {
        var where = Filters(query, command, dialect);
        var pageWhere = where;
        if (query.After is { } after)
        {
            command.Parameters.Add(dialect.Text("after", after));
            pageWhere += " AND d.id > @after";
        }

        command.Parameters.Add(dialect.Number("take", query.Limit + 1));
        command.Parameters.Add(dialect.LongNumber("known_version", known.Version));
        command.Parameters.Add(dialect.Text("known_in_flight", known.InFlight));
        command.Parameters.Add(dialect.LongNumber("known_total", known.Total));
        return $"""
            {before}SELECT m.v, m.f, CASE WHEN m.v = @known_version AND m.f = @known_in_flight THEN @known_total
                ELSE (SELECT count(*) FROM detectors d WHERE {where}) END
            FROM ({markSource}) m;
            SELECT {Columns}, {TunnelColumns}
            FROM (SELECT * FROM detectors d WHERE {pageWhere} ORDER BY d.id LIMIT @take) d
            {TunnelsJoin}
            ORDER BY d.id;
            """;
    }

    /// <summary>
    /// Reads the mark statement(s): the newest version issued and the writers in flight (and the total, with a page).
    /// Not proven when a version was drawn while the snapshot was taken: then the answer carries no ETag rather than
    /// a doubtful one.
    /// </summary>
    public async Task<ListMark> ReadMarkAsync(DbDataReader reader, CancellationToken ct)
    {
        long first = -1;
        if (postgres)
        {
            await reader.ReadAsync(ct);
            first = reader.GetInt64(0);
            await reader.NextResultAsync(ct);
        }

        await reader.ReadAsync(ct);
        var version = reader.GetInt64(0);
        var inFlight = reader.GetString(1);
        var total = reader.FieldCount > 2 ? reader.GetInt64(2) : -1;
        return new ListMark(!postgres || first == version, version, inFlight, total);
    }

    public DateTimeOffset? Timestamp(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null
        : postgres ? reader.GetFieldValue<DateTimeOffset>(ordinal)
        : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public List<string> Tags(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return [];
        }

        if (postgres)
        {
            return [.. reader.GetFieldValue<string[]>(ordinal)];
        }

        // SQLite keeps a primitive collection as a JSON array in text.
        using var document = JsonDocument.Parse(reader.GetString(ordinal));
        return [.. document.RootElement.EnumerateArray().Select(t => t.GetString() ?? string.Empty)];
    }

    private string Filters(DetectorQuery query, DbCommand command, ISqlDialect dialect)
    {
        var conditions = new List<string> { "1 = 1" };
        if (query.Statuses.Count > 0)
        {
            var names = new List<string>();
            for (var i = 0; i < query.Statuses.Count; i++)
            {
                names.Add(Add(command, dialect, "s", i, query.Statuses[i]));
            }

            conditions.Add($"d.status IN ({string.Join(", ", names)})");
        }

        for (var i = 0; i < query.Tags.Count; i++)
        {
            var name = Add(command, dialect, "tag", i, query.Tags[i]);
            // @> is what the GIN index on tags serves.
            conditions.Add(postgres ? $"d.tags @> ARRAY[{name}]::text[]" : $"EXISTS (SELECT 1 FROM json_each(d.tags) WHERE json_each.value = {name})");
        }

        if (query.Text is { } text)
        {
            command.Parameters.Add(dialect.Text("q", text));
            var position = postgres ? "strpos" : "instr";
            conditions.Add($"({position}(d.id, @q) > 0 OR (d.name IS NOT NULL AND {position}(lower(d.name), @q) > 0))");
        }

        return string.Join(" AND ", conditions);
    }

    private static string Add(DbCommand command, ISqlDialect dialect, string prefix, int index, string value)
    {
        var name = prefix + index.ToString(CultureInfo.InvariantCulture);
        command.Parameters.Add(dialect.Text(name, value));
        return "@" + name;
    }
}
