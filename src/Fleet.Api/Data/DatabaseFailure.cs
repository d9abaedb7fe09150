namespace Fleet.Api.Data;

/// <summary>What a failed database call means for whoever made it: see <see cref="DatabaseFailures.Classify"/>.</summary>
public enum DatabaseFailure
{
    /// <summary>Not a database failure at all.</summary>
    None,

    /// <summary>
    /// The database is unreachable, overloaded or busy (connection lost, timeout, serialization failure, deadlock,
    /// too many connections, SQLite busy or locked): the same call may succeed later. HTTP answers 503; the ingest
    /// retries.
    /// </summary>
    Transient,

    /// <summary>
    /// The database refuses this data (a constraint violation, a value it cannot hold): retrying cannot help. The
    /// ingest drops the message; HTTP answers 500.
    /// </summary>
    Poison,

    /// <summary>Any other database error (bad SQL, a missing table): a bug. HTTP answers 500; the ingest keeps retrying rather than lose messages.</summary>
    Fault,
}
