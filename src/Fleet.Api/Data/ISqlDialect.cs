using System.Data.Common;

namespace Fleet.Api.Data;

/// <summary>
/// Every difference between PostgreSQL and SQLite in the hand-written SQL (ingest, presence sweep, detector reads),
/// and nowhere else: callers ask the dialect, never which provider it is, and no driver type leaves Data/. The
/// statements themselves are shared, since both providers speak INSERT … ON CONFLICT … DO UPDATE … WHERE with
/// row-value comparison.
/// </summary>
public interface ISqlDialect
{
    /// <summary>What makes a SELECT lock the rows it reads, where the provider can, so concurrent writers of one detector queue up.</summary>
    string ForUpdate { get; }

    /// <summary>
    /// What makes a SELECT lock the rows it reads and pass over rows another transaction holds, so several instances
    /// claiming work from one queue table (the alert outbox) each take different rows; empty where one writer is all there is.
    /// </summary>
    string ForUpdateSkipLocked { get; }

    /// <summary>
    /// Whether statements take whole columns as array parameters (PostgreSQL's unnest, see <see cref="Column{T}"/>):
    /// one statement text for any number of rows, parsed and planned once, instead of a VALUES list that grows with
    /// the batch.
    /// </summary>
    bool HasArrays { get; }

    /// <summary>
    /// The statement that keeps events visible in id order, run right before a transaction inserts events, or null where
    /// the database already serializes writers (the rule and why: History/EventLog).
    /// </summary>
    string? EventOrderLock { get; }

    /// <summary>The SQL function returning the largest of its arguments: GREATEST or MAX.</summary>
    string Greatest { get; }

    /// <summary>A SELECT of one text column <c>f</c>: the list's mark (see Detectors/DetectorETags).</summary>
    string ListMarkSource { get; }

    /// <summary>The join of a page of detectors <c>d</c> to their tunnels <c>t</c>.</summary>
    string TunnelsJoin { get; }

    /// <summary>SQL for: <paramref name="timestamp"/> minus <paramref name="seconds"/> seconds (both SQL expressions).</summary>
    string MinusSeconds(string timestamp, string seconds);

    /// <summary>SQL true when the text <paramref name="needle"/> occurs in <paramref name="haystack"/>.</summary>
    string ContainsText(string haystack, string needle);

    /// <summary>SQL true when the tags column <paramref name="tags"/> holds the value of parameter <paramref name="tag"/>.</summary>
    string HasTag(string tags, string tag);

    /// <summary>A text expression compared ordinally (byte order), whatever the database's collation: a sort key.</summary>
    string Ordinal(string text);

    /// <summary>The Unix epoch as a value of a timestamp column (a missing time in a sort key).</summary>
    string EpochTimestamp { get; }

    DbParameter Text(string name, string? value);

    DbParameter LongNumber(string name, long? value);

    DbParameter Number(string name, int? value);

    DbParameter Timestamp(string name, DateTimeOffset? value);

    /// <summary>A column of values as one array parameter (for unnest); only where <see cref="HasArrays"/>. Timestamps come as UTC <see cref="DateTime"/>s.</summary>
    DbParameter Column<T>(string name, SqlType type, T[] values);

    /// <summary>A timestamp column as the provider stores it, or null.</summary>
    DateTimeOffset? ReadTimestamp(DbDataReader reader, int ordinal);

    /// <summary>A tags column as the provider stores it (empty for NULL).</summary>
    List<string> ReadTags(DbDataReader reader, int ordinal);
}
