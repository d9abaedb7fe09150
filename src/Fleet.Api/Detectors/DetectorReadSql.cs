using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Fleet.Api.Data;

namespace Fleet.Api.Detectors;

/// <summary>
/// The hand-written SQL of the read path: one statement for a page (its mark, the total and the detectors with their
/// tunnels), one small one for a conditional request. The filters mean exactly what the EF query they replace meant.
/// PostgreSQL and SQLite differ in the mark, the tunnels join, the tag filter and how timestamps and tags are stored.
/// </summary>
internal sealed class DetectorReadSql
{
    public const string Columns = """
        d.id, d.name, d.tags, d.notes, d.location, d.status, d.status_since, d.last_seen_at, d.epoch, d.seq,
        d.provider_kind, d.provider_version, d.provider_state, d.provider_restarts, d.provider_error,
        d.agent_version, d.agent_hostname, d.agent_os, d.agent_arch, d.agent_started_at, d.version
        """;

    public const string TunnelColumns = "t.name AS tunnel_name, t.url AS tunnel_url, t.proto AS tunnel_proto, t.upstream AS tunnel_upstream, t.since AS tunnel_since";

    /// <summary>Where a page's detector columns start in its rows: after the mark and the total.</summary>
    public const int PageOffset = 2;

    public const int TunnelOrdinal = 21;

    private static readonly DetectorReadSql Postgres = new(true);
    private static readonly DetectorReadSql Sqlite = new(false);

    private readonly bool postgres;
    private readonly string markSource;

    private DetectorReadSql(bool postgres)
    {
        this.postgres = postgres;

        // PostgreSQL: the 16 commit-ordered counters every writing transaction bumps one of (the ListMarks
        // migration): the values a statement sees name exactly the writes it sees, so equal marks mean equal data; a
        // "newest version" cannot do that, as a writer may draw a lower version and commit later (DetectorETags).
        // SQLite: its counter. Either way one text, compared as it is.
        markSource = postgres
            ? $"SELECT string_agg(value::text, '.' ORDER BY stripe) AS f FROM {ReadVersionsObjects.PostgresListMarksTable}"
            : $"SELECT CAST(value AS TEXT) AS f FROM {ReadVersionsObjects.SqliteCounterTable} WHERE name = 'detectors'";
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
    public string Mark => $"SELECT m.f FROM ({markSource}) m;";

    public static string One => $"SELECT {Columns}, {TunnelColumns} FROM detectors d LEFT JOIN tunnels t ON t.detector_id = d.id WHERE d.id = @id;";

    public static string VersionOfOne => "SELECT version FROM detectors WHERE id = @id;";

    public static DetectorReadSql For(ISqlDialect dialect) => dialect is PostgresDialect ? Postgres : Sqlite;

    /// <summary>
    /// The mark and, in the same statement (so the same snapshot), the total of the filtered set and one page
    /// (ordered by id, after the cursor) with its tunnels; every row repeats the mark. The total is not counted again
    /// when the caller knows it for this very mark (<see cref="DetectorTotals"/>): equal marks mean equal data.
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
        command.Parameters.Add(dialect.Text("known_mark", known.Mark));
        command.Parameters.Add(dialect.LongNumber("known_total", known.Total));
        // One statement, so one snapshot: the tag and the total describe exactly the rows returned with them.
        return $"""
            SELECT m.f, CASE WHEN m.f = @known_mark THEN @known_total
                ELSE (SELECT count(*) FROM detectors d WHERE {where}) END, p.*
            FROM ({markSource}) m
            LEFT JOIN (
                SELECT {Columns}, {TunnelColumns}
                FROM (SELECT * FROM detectors d WHERE {pageWhere} ORDER BY d.id LIMIT @take) d
                {TunnelsJoin}
            ) p ON 1 = 1
            ORDER BY p.id;
            """;
    }

    /// <summary>Reads the mark statement: the counters (PostgreSQL) or the counter (SQLite).</summary>
    public static async Task<ListMark> ReadMarkAsync(DbDataReader reader, CancellationToken ct)
    {
        await reader.ReadAsync(ct);
        return MarkFromRow(reader);
    }

    /// <summary>The mark in the current row (its first columns); a total only when the row has one.</summary>
    public static ListMark MarkFromRow(DbDataReader reader) =>
        new(reader.GetString(0), reader.FieldCount > 1 ? reader.GetInt64(1) : -1);

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
