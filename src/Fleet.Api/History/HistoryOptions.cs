using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.History;

public sealed class HistoryOptions
{
    public const string Section = "History";

    /// <summary>Events older than this (on the API's clock) are deleted by <see cref="HistoryCleanupService"/>.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00", ErrorMessage = "History:Retention must be between 1 hour and 3650 days.")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the cleanup runs (also once at start).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "History:CleanupInterval must be between 1 second and 1 day.")]
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);
}
