using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Fleet.Api.Errors;

/// <summary>
/// Tells an unreachable or overloaded database (worth retrying: 503) from a bug (500). Looks through the wrappers EF
/// and the handlers add, so every endpoint, not only the detector reads, answers an outage the same way.
/// </summary>
internal static class DatabaseFailures
{
    /// <summary>Seconds a client should wait before retrying while the database is unreachable.</summary>
    public const int RetryAfterSeconds = 5;

    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DatabaseUnavailableException:
                case NpgsqlException { IsTransient: true }:
                // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN: the file is held or gone, not the query wrong.
                case SqliteException { SqliteErrorCode: 5 or 6 or 10 or 14 }:
                    return true;
                case DbException:
                    // Any other database error (a constraint, bad SQL) is a bug: 500.
                    return false;
            }
        }

        return false;
    }
}
