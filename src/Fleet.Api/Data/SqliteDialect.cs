using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Fleet.Api.Data;

public sealed class SqliteDialect : ISqlDialect
{
    // SQLite has one writer at a time: the transaction itself serializes writers.
    public string ForUpdate => "";

    public string ForUpdateSkipLocked => "";

    public string Greatest => "MAX";

    // The one write lock is held from a transaction's first write to its commit: ids are already drawn in commit order (History/EventLog).
    public string? EventOrderLock => null;

    public bool HasArrays => false;

    // The one-row counter: SQLite has one writer, so the newest version is commit-ordered.
    public string ListMarkSource { get; } =
        $"SELECT CAST(value AS TEXT) AS f FROM {ReadVersionsObjects.SqliteCounterTable} WHERE name = 'detectors'";

    // No LATERAL; SQLite loops over the index anyway.
    // BINARY, SQLite's default collation, compares the UTF-8 bytes.
    public string Ordinal(string text) => text;

    // Timestamps are Unix milliseconds (UnixMillisecondsConverter).
    public string EpochTimestamp => "0";

    public string TunnelsJoin => "LEFT JOIN tunnels t ON t.detector_id = d.id";

    // Timestamps are Unix milliseconds (UnixMillisecondsConverter).
    public string MinusSeconds(string timestamp, string seconds) => $"{timestamp} - {seconds} * 1000";

    public string ContainsText(string haystack, string needle) => $"instr({haystack}, {needle}) > 0";

    // A primitive collection is a JSON array in text.
    public string HasTag(string tags, string tag) => $"EXISTS (SELECT 1 FROM json_each({tags}) WHERE json_each.value = {tag})";

    public DbParameter Text(string name, string? value) => Create(name, value, SqliteType.Text);

    public DbParameter LongNumber(string name, long? value) => Create(name, value, SqliteType.Integer);

    public DbParameter Number(string name, int? value) => Create(name, value, SqliteType.Integer);

    // Same representation as UnixMillisecondsConverter, which the EF model uses for SQLite.
    public DbParameter Timestamp(string name, DateTimeOffset? value) =>
        Create(name, value?.ToUnixTimeMilliseconds(), SqliteType.Integer);

    public DbParameter Column<T>(string name, SqlType type, T[] values) =>
        throw new NotSupportedException("SQLite has no array parameters: bind one parameter per row (HasArrays is false).");

    public DateTimeOffset? ReadTimestamp(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public List<string> ReadTags(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return [];
        }

        using var document = JsonDocument.Parse(reader.GetString(ordinal));
        return [.. document.RootElement.EnumerateArray().Select(t => t.GetString() ?? string.Empty)];
    }

    private static SqliteParameter Create(string name, object? value, SqliteType type) =>
        new(name, type) { Value = value ?? DBNull.Value };
}
