using System.Data.Common;
using System.Globalization;
using Fleet.Api.Data;
using Fleet.Domain.Messages;

namespace Fleet.Api.Detectors;

/// <summary>
/// The hand-written SQL of the read path: one statement for a page (its mark, the total and the detectors with their
/// tunnels), one small one for a conditional request. The filters mean exactly what the EF query they replace meant.
/// PostgreSQL and SQLite differ in the mark, the tunnels join, the tag and text filters and how timestamps and tags are
/// stored: those come from the <see cref="ISqlDialect"/>.
/// </summary>
internal static class DetectorReadSql
{
    /// <summary>Where a page's detector columns start in its rows: after the mark and the total.</summary>
    public const int PageOffset = 2;

    // The stored states a view shows as they are (constants of the contract, not input: safe as SQL literals).
    private static readonly string Shown = string.Join(", ", ReachabilityStates.All.Where(s => s != ReachabilityStates.Unknown).Select(s => $"'{s}'"));

    /// <summary>The list's mark alone: see <see cref="ReadMarkAsync"/>.</summary>
    public static string Mark(ISqlDialect dialect) => $"SELECT m.f FROM ({dialect.ListMarkSource}) m;";

    public static string One { get; } = $"SELECT {DetectorColumns.Select} FROM detectors d LEFT JOIN tunnels t ON t.detector_id = d.id WHERE d.id = @id;";

    /// <summary>Several detectors with their tunnels, grouped by detector (ids as parameters <c>@i0</c>…).</summary>
    public static string Many(IReadOnlyList<string> ids, DbCommand command, ISqlDialect dialect)
    {
        var names = ids.Select((id, i) => Add(command, dialect, "i", i, id));
        // The page's plan: the detectors first, then each one's tunnels (PostgreSQL would otherwise hash all tunnels).
        return $"SELECT {DetectorColumns.Select} FROM (SELECT * FROM detectors d WHERE d.id IN ({string.Join(", ", names)})) d {dialect.TunnelsJoin} ORDER BY d.id;";
    }

    /// <summary>Every detector with its tunnels, grouped by detector (the registry's load).</summary>
    public static string All { get; } = $"SELECT {DetectorColumns.Select} FROM detectors d LEFT JOIN tunnels t ON t.detector_id = d.id ORDER BY d.id;";

    /// <summary>Every detector's version (the registry's resync compares them with its own).</summary>
    public static string Versions => "SELECT id, version FROM detectors;";

    public static string VersionOfOne => "SELECT version FROM detectors WHERE id = @id;";

    /// <summary>
    /// The mark and, in the same statement (so the same snapshot), the total of the filtered set and one page
    /// (ordered by id, after the cursor) with its tunnels; every row repeats the mark. The total is not counted again
    /// when the caller knows it for this very mark (<see cref="DetectorTotals"/>): equal marks mean equal data.
    /// </summary>
    public static string Page(DetectorQuery query, DbCommand command, ISqlDialect dialect, KnownTotal known)
    {
        var where = Filters(query, command, dialect);
        var pageWhere = where;
        var sort = query.Sort;
        var direction = sort.Descending ? "DESC" : "ASC";
        var key = SortKey(sort, dialect, "d");
        if (query.After is { } after)
        {
            command.Parameters.Add(dialect.Text("after", after));
            var beyond = sort.Descending ? "<" : ">";
            if (key is null)
            {
                pageWhere += $" AND d.id {beyond} @after";
            }
            else
            {
                command.Parameters.Add(sort.Key == Detectors.SortKey.LastSeen
                    ? dialect.Timestamp("after_key", DetectorSort.FromMicros(long.Parse(query.AfterKey!, CultureInfo.InvariantCulture)))
                    : dialect.Text("after_key", query.AfterKey));
                // The row comparison (key, id) > (k, id0): after the last detector in the total order.
                pageWhere += $" AND ({key}, d.id) {beyond} (@after_key, @after)";
            }
        }

        var order = key is null ? $"d.id {direction}" : $"{key} {direction}, d.id {direction}";
        var outerKey = SortKey(sort, dialect, "p");
        var outerOrder = outerKey is null ? $"p.id {direction}" : $"{outerKey} {direction}, p.id {direction}";

        command.Parameters.Add(dialect.Number("take", query.Limit + 1));
        command.Parameters.Add(dialect.Text("known_mark", known.Mark));
        command.Parameters.Add(dialect.LongNumber("known_total", known.Total));
        // One statement, so one snapshot: the tag and the total describe exactly the rows returned with them.
        return $"""
            SELECT m.f, CASE WHEN m.f = @known_mark THEN @known_total
                ELSE (SELECT count(*) FROM detectors d WHERE {where}) END, p.*
            FROM ({dialect.ListMarkSource}) m
            LEFT JOIN (
                SELECT {DetectorColumns.Select}
                FROM (SELECT * FROM detectors d WHERE {pageWhere} ORDER BY {order} LIMIT @take) d
                {dialect.TunnelsJoin}
            ) p ON 1 = 1
            ORDER BY {outerOrder};
            """;
    }

    /// <summary>The sort key of <see cref="DetectorSort"/> over the detector alias <paramref name="d"/>; null for the id order.</summary>
    private static string? SortKey(DetectorSort sort, ISqlDialect dialect, string d) => sort.Key switch
    {
        Detectors.SortKey.Name => dialect.Ordinal($"COALESCE({d}.name, '')"),
        Detectors.SortKey.LastSeen => $"COALESCE({d}.last_seen_at, {dialect.EpochTimestamp})",
        _ => null,
    };

    /// <summary>Reads the mark statement: the counters (PostgreSQL) or the counter (SQLite).</summary>
    public static async Task<ListMark> ReadMarkAsync(DbDataReader reader, CancellationToken ct)
    {
        await reader.ReadAsync(ct);
        return MarkFromRow(reader);
    }

    /// <summary>The mark in the current row (its first columns); a total only when the row has one.</summary>
    public static ListMark MarkFromRow(DbDataReader reader) =>
        new(reader.GetString(0), reader.FieldCount > 1 ? reader.GetInt64(1) : -1);

    private static string Filters(DetectorQuery query, DbCommand command, ISqlDialect dialect)
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

        if (query.Reachabilities.Count > 0)
        {
            conditions.Add(ReachabilityFilter(query.Reachabilities, command, dialect));
        }

        if (query.Healths.Count > 0)
        {
            var names = new List<string>();
            for (var i = 0; i < query.Healths.Count; i++)
            {
                names.Add(Add(command, dialect, "h", i, query.Healths[i]));
            }

            conditions.Add($"d.health_status IN ({string.Join(", ", names)})");
        }

        for (var i = 0; i < query.Tags.Count; i++)
        {
            var name = Add(command, dialect, "tag", i, query.Tags[i]);
            conditions.Add(dialect.HasTag("d.tags", name));
        }

        if (query.Providers.Count > 0)
        {
            var names = new List<string>();
            for (var i = 0; i < query.Providers.Count; i++)
            {
                names.Add(Add(command, dialect, "pk", i, query.Providers[i]));
            }

            conditions.Add($"d.provider_kind IN ({string.Join(", ", names)})");
        }

        if (query.NgrokAccount is { } account)
        {
            command.Parameters.Add(dialect.Text("nga", account));
            conditions.Add("d.ngrok_account = @nga");
        }

        if (query.Text is { } text)
        {
            command.Parameters.Add(dialect.Text("q", text));
            conditions.Add($"({dialect.ContainsText("d.id", "@q")} OR (d.name IS NOT NULL AND {dialect.ContainsText("lower(d.name)", "@q")}))");
        }

        return string.Join(" AND ", conditions);
    }

    /// <summary>
    /// Any of the asked states, as the views show them (Fleet.Domain.Reachability.ReachabilityForView): the stored
    /// summary counts only while the detector is online; otherwise, or when the stored value is not a known failing or
    /// answering state, the view says unknown.
    /// </summary>
    private static string ReachabilityFilter(IReadOnlyList<string> states, DbCommand command, ISqlDialect dialect)
    {
        var known = new List<string>();
        var anyOf = new List<string>();
        for (var i = 0; i < states.Count; i++)
        {
            if (states[i] == ReachabilityStates.Unknown)
            {
                continue;
            }

            known.Add(Add(command, dialect, "r", i, states[i]));
        }

        if (known.Count > 0)
        {
            anyOf.Add($"(d.status = 'online' AND d.reachability IN ({string.Join(", ", known)}))");
        }

        if (states.Contains(ReachabilityStates.Unknown))
        {
            anyOf.Add($"(d.status <> 'online' OR d.reachability NOT IN ({Shown}))");
        }

        return $"({string.Join(" OR ", anyOf)})";
    }

    private static string Add(DbCommand command, ISqlDialect dialect, string prefix, int index, string value)
    {
        var name = prefix + index.ToString(CultureInfo.InvariantCulture);
        command.Parameters.Add(dialect.Text(name, value));
        return "@" + name;
    }
}
