using System.Collections.Concurrent;
using System.Text;

namespace Fleet.Api.Ingest;

/// <summary>
/// The version guards, inside the statements that write: a message is applied only if it is newer than what is
/// stored at the moment of the write, so concurrent API instances and redeliveries can never move a detector
/// backwards. The specification is Fleet.Domain.Ordering.OrderingRules (DecideState, DecideStatus, Rank): these
/// guards are its SQL copy, and tests/Fleet.Api.Tests/Data/OrderingRulesConformanceTests checks on both providers
/// that they decide as it does. Each statement takes many rows (one batch
/// round, at most one row per detector) and returns the rows it changed, as they are after the change.
/// </summary>
internal static class IngestSql
{
    // Built once per dialect and row count, not per message: ingest is the hot path.
    private static readonly ConcurrentDictionary<(string Greatest, int Rows), string> States = new();
    private static readonly ConcurrentDictionary<(string Greatest, int Rows), string> Statuses = new();
    private static readonly ConcurrentDictionary<(string ForUpdate, int Rows), string> Reads = new();

    // The incarnation of the incoming row (OrderingRules: Lives.Classify), each never NULL so that NOT works: a new
    // life (an instance neither stored nor the one before it), a late message of the ended life, the same life.
    private const string NewLife =
        "(excluded.instance IS NOT NULL AND d.instance IS NOT NULL AND excluded.instance <> d.instance"
        + " AND (d.previous_instance IS NULL OR excluded.instance <> d.previous_instance))";

    private const string EndedLife =
        "(excluded.instance IS NOT NULL AND d.instance IS NOT NULL AND d.previous_instance IS NOT NULL"
        + " AND excluded.instance <> d.instance AND excluded.instance = d.previous_instance)";

    private const string SameLife = "(excluded.instance IS NOT NULL AND d.instance IS NOT NULL AND excluded.instance = d.instance)";

    // OrderingRules.StartsConnection: presence becomes online with a state of a newer connection, of a new life, or
    // with a state that replaced another life's (a reset), never with a late state of a connection that already ended.
    private const string StartsConnection =
        "(d.status_epoch IS NULL OR d.status_epoch < excluded.epoch OR " + NewLife
        + " OR (d.state_at IS NOT NULL AND d.epoch IS NOT NULL AND (excluded.epoch, excluded.seq) <= (d.epoch, d.seq)"
        + " AND (excluded.epoch = d.epoch OR d.status_epoch <> excluded.epoch)))";

    private static readonly string Returning = $"RETURNING {StoredColumns.Select}";

    /// <summary>Reads the stored rows of a batch, locked where the provider can, in id order so writers queue up without deadlocks.</summary>
    /// <remarks>With <paramref name="rows"/> 0 the ids come as one array parameter @ids.</remarks>
    public static string ReadStored(string forUpdate, int rows) =>
        Reads.GetOrAdd((forUpdate, rows), k => k.Rows == 0
            ? $"SELECT {StoredColumns.Select} FROM detectors WHERE id = ANY(@ids) ORDER BY id{k.ForUpdate}"
            : $"SELECT {StoredColumns.Select} FROM detectors WHERE id IN ({string.Join(", ", Enumerable.Range(0, k.Rows).Select(r => $"@i{r}"))}) ORDER BY id{k.ForUpdate}");

    /// <remarks>With <paramref name="rows"/> 0 each column comes as one array parameter (PostgreSQL's unnest).</remarks>
    public static string UpsertStates(string greatest, int rows) =>
        States.GetOrAdd((greatest, rows), k => UpsertState(k.Greatest, k.Rows));

    public static string UpsertStatuses(string greatest, int rows) =>
        Statuses.GetOrAdd((greatest, rows), k => UpsertStatus(k.Greatest, k.Rows));

    // The reset window counts from the last time anything was heard (state, presence, registration): a late
    // will of an old epoch must not pass as a re-flashed card just because states are rare (long heartbeats).
    // GREATEST (PostgreSQL) ignores NULLs and MAX (SQLite) does not, hence the COALESCEs. A lower-epoch state is
    // also taken when the presence of that same epoch was already accepted as a reset (status_epoch can only go
    // below the state's epoch that way): the `online` that opens a reset connection usually arrives first.
    private static string LastHeard(string greatest) =>
        $"{greatest}(COALESCE(d.state_at, d.created_at), COALESCE(d.last_seen_at, d.created_at), COALESCE(d.status_since, d.created_at))";

    private static string StatusRow(int r) => $"(@i{r}, @st{r}, @e{r}, @now, @seen{r}, @now, @inc{r})";

    private static string Rows(int rows, Func<int, string> row)
    {
        var text = new StringBuilder();
        for (var r = 0; r < rows; r++)
        {
            text.Append(r == 0 ? "    " : ",\n    ").Append(row(r));
        }

        return text.ToString();
    }

    // state_at IS NULL: the stored state belongs to a life that ended (its presence came first), any state of the
    // current life replaces it. The equal-epoch clause is for older agents without an instance (OrderingRules.DecideState
    // says why it counts from state_at alone).
    private static string UpsertState(string greatest, int rows) => $"""
        INSERT INTO detectors AS d ({StateWriteColumns.Names})
        {(rows == 0 ? StateWriteColumns.Unnest : "VALUES\n" + Rows(rows, StateWriteColumns.Row))}
        ON CONFLICT (id) DO UPDATE SET
            {StateWriteColumns.Overwritten},
            status_since = CASE WHEN {StartsConnection} AND d.status <> 'online' THEN excluded.status_since ELSE d.status_since END,
            status = CASE WHEN {StartsConnection} THEN 'online' ELSE d.status END,
            status_epoch = CASE WHEN {StartsConnection} THEN excluded.epoch ELSE d.status_epoch END,
            previous_instance = CASE WHEN {NewLife} THEN d.instance ELSE d.previous_instance END,
            instance = CASE WHEN {NewLife} THEN excluded.instance ELSE COALESCE(d.instance, excluded.instance) END
        WHERE {NewLife} OR (NOT {EndedLife} AND (
            d.epoch IS NULL
            OR (d.epoch, d.seq) < (excluded.epoch, excluded.seq)
            OR d.state_at IS NULL
            OR (excluded.epoch < d.epoch AND ({LastHeard(greatest)} < @reset_cutoff OR d.status_epoch = excluded.epoch))
            OR (NOT {SameLife} AND excluded.epoch = d.epoch AND excluded.seq < d.seq AND d.state_at < @reset_cutoff)))
        {Returning}
        """;

    // The rank of a presence (OrderingRules.Rank) comes from the row itself, so one statement serves every row. A new
    // life's presence forgets that the stored state is current (state_at NULL) and starts a new presence period; only a
    // presence that creates the row takes its instance otherwise (Lives.After).
    private static string UpsertStatus(string greatest, int rows) => $"""
        INSERT INTO detectors AS d (id, status, status_epoch, status_since, last_seen_at, created_at, instance)
        VALUES
        {Rows(rows, StatusRow)}
        ON CONFLICT (id) DO UPDATE SET
            status_since = CASE WHEN d.status = excluded.status AND NOT {NewLife} THEN d.status_since ELSE excluded.status_since END,
            status = excluded.status,
            status_epoch = excluded.status_epoch,
            last_seen_at = COALESCE(excluded.last_seen_at, d.last_seen_at),
            previous_instance = CASE WHEN {NewLife} THEN d.instance ELSE d.previous_instance END,
            state_at = CASE WHEN {NewLife} THEN NULL ELSE d.state_at END,
            instance = CASE WHEN {NewLife} THEN excluded.instance ELSE d.instance END
        WHERE {NewLife} OR (NOT {EndedLife} AND (
            d.status_epoch IS NULL OR d.status = 'unknown'
            OR excluded.status_epoch > d.status_epoch
            OR (excluded.status_epoch = d.status_epoch AND {Rank("excluded.status")} > {Rank("d.status")})
            OR (excluded.status_epoch < d.status_epoch AND {LastHeard(greatest)} < @reset_cutoff)))
        {Returning}
        """;

    private static string Rank(string status) =>
        $"CASE {status} WHEN 'online' THEN 1 WHEN 'offline' THEN 2 WHEN 'lost' THEN 2 ELSE 0 END";
}
