namespace Fleet.Api.Data;

/// <summary>
/// Names of the database objects the ReadVersions migration creates. Every write of a detector or of its tunnels
/// stamps the detector's <c>version</c> from one counter, in the database, so several API instances agree on it
/// and a conditional GET never needs the page itself (see Detectors/DetectorETags).
/// </summary>
public static class ReadVersionsObjects
{
    /// <summary>PostgreSQL: the sequence versions are drawn from.</summary>
    public const string Sequence = "detector_versions";

    /// <summary>PostgreSQL: the 16 commit-ordered counters a list's mark is read from (the ListMarks migration).</summary>
    public const string PostgresListMarksTable = "detector_list_marks";

    /// <summary>SQLite: the one-row table holding the newest version (SQLite has one writer, so it is commit-ordered).</summary>
    public const string SqliteCounterTable = "read_versions";

    public const string SqliteDetectorsTrigger = "detectors_version_updated";
}
