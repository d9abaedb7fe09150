using System.Data.Common;

namespace Fleet.Api.Data;

/// <summary>
/// The few things the hand-written ingest SQL does differently per provider: the SQL itself is shared, since
/// PostgreSQL and SQLite both speak INSERT … ON CONFLICT … DO UPDATE … WHERE with row-value comparison.
/// </summary>
public interface ISqlDialect
{
    /// <summary>What makes a SELECT lock the rows it reads, where the provider can, so concurrent writers of one detector queue up.</summary>
    string ForUpdate { get; }

    /// <summary>
    /// Whether statements take whole columns as array parameters (PostgreSQL's unnest): one statement text for any
    /// number of rows, parsed and planned once, instead of a VALUES list that grows with the batch.
    /// </summary>
    bool HasArrays { get; }

    /// <summary>The SQL function returning the largest of its arguments: GREATEST or MAX.</summary>
    string Greatest { get; }

    DbParameter Text(string name, string? value);

    DbParameter LongNumber(string name, long? value);

    DbParameter Number(string name, int? value);

    DbParameter Timestamp(string name, DateTimeOffset? value);
}
