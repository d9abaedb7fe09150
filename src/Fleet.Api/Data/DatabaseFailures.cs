using System.Data.Common;
using Fleet.Api.Errors;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Fleet.Api.Data;

/// <summary>
/// The one classifier of database failures, for every caller: the ingest's retry (IngestService) and the HTTP error
/// mapping (ProblemExceptionHandler) ask it the same question and get the same answer. It looks through the wrappers
/// EF and the handlers add, so every endpoint, not only the detector reads, answers an outage the same way.
/// </summary>
internal static class DatabaseFailures
{
    /// <summary>Seconds a client should wait before retrying while the database is unreachable.</summary>
    public const int RetryAfterSeconds = 5;

    // SQLITE_CONSTRAINT, SQLITE_MISMATCH: the row itself is refused.
    private const int SqliteConstraint = 19;
    private const int SqliteMismatch = 20;

    public static DatabaseFailure Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DatabaseUnavailableException:
                    return DatabaseFailure.Transient;

                // Class 22 (data exception: a value out of range, bad text) and 23 (integrity constraint violation).
                case PostgresException pg when pg.SqlState.StartsWith("22", StringComparison.Ordinal) || pg.SqlState.StartsWith("23", StringComparison.Ordinal):
                    return DatabaseFailure.Poison;

                // Npgsql's own list: connection and I/O failures, timeouts, 40001 serialization failure, 40P01
                // deadlock, 53300 too many connections, 57P0x shutdowns, 55P03 lock not available.
                case NpgsqlException { IsTransient: true }:
                    return DatabaseFailure.Transient;

                case SqliteException { SqliteErrorCode: SqliteConstraint or SqliteMismatch }:
                    return DatabaseFailure.Poison;

                // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN: the file is held or gone, not the query wrong.
                case SqliteException { SqliteErrorCode: 5 or 6 or 10 or 14 }:
                    return DatabaseFailure.Transient;

                case DbException:
                    return DatabaseFailure.Fault;
            }
        }

        return DatabaseFailure.None;
    }

    /// <summary>Worth retrying later (HTTP: 503 with Retry-After); anything else is a 500.</summary>
    public static bool IsUnavailable(Exception exception) => Classify(exception) == DatabaseFailure.Transient;
}
