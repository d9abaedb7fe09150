using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.Api.Data;

public sealed class PostgresDialect : ISqlDialect
{
    public string ForUpdate => " FOR UPDATE";

    public string Greatest => "GREATEST";

    public bool HasArrays => true;

    /// <summary>A column of values as one array parameter (for unnest).</summary>
    public static NpgsqlParameter Column<T>(string name, NpgsqlDbType type, T[] values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values };

    public DbParameter Text(string name, string? value) => Create(name, value, NpgsqlDbType.Text);

    public DbParameter LongNumber(string name, long? value) => Create(name, value, NpgsqlDbType.Bigint);

    public DbParameter Number(string name, int? value) => Create(name, value, NpgsqlDbType.Integer);

    // timestamptz only accepts UTC offsets; agents may send any offset.
    public DbParameter Timestamp(string name, DateTimeOffset? value) =>
        Create(name, value?.ToUniversalTime(), NpgsqlDbType.TimestampTz);

    private static NpgsqlParameter Create(string name, object? value, NpgsqlDbType type) =>
        new(name, type) { Value = value ?? DBNull.Value };
}
