using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Fleet.Api.Data;

public sealed class SqliteDialect : ISqlDialect
{
    // SQLite has one writer at a time: the transaction itself serializes writers.
    public string ForUpdate => "";

    public string Greatest => "MAX";

    public bool HasArrays => false;

    public DbParameter Text(string name, string? value) => Create(name, value, SqliteType.Text);

    public DbParameter LongNumber(string name, long? value) => Create(name, value, SqliteType.Integer);

    public DbParameter Number(string name, int? value) => Create(name, value, SqliteType.Integer);

    // Same representation as UnixMillisecondsConverter, which the EF model uses for SQLite.
    public DbParameter Timestamp(string name, DateTimeOffset? value) =>
        Create(name, value?.ToUnixTimeMilliseconds(), SqliteType.Integer);

    private static SqliteParameter Create(string name, object? value, SqliteType type) =>
        new(name, type) { Value = value ?? DBNull.Value };
}
