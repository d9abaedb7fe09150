using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Audit;

public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Entries older than this (on the API's clock) are deleted by <see cref="AuditCleanupService"/>.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00", ErrorMessage = "Audit:Retention must be between 1 hour and 3650 days (e.g. 90.00:00:00).")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the cleanup runs (also once at start).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Audit:CleanupInterval must be between 1 second and 1 day (e.g. 01:00:00).")]
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Link opens waiting to be written (they are written in the background so the redirect never waits for the
    /// database); when full, further opens are counted in a warning and not recorded.
    /// </summary>
    [Range(100, 1_000_000, ErrorMessage = "Audit:QueueCapacity must be between 100 and 1000000.")]
    public int QueueCapacity { get; set; } = 10_000;
}
