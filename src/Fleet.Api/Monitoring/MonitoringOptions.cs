using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Monitoring;

public sealed class MonitoringOptions
{
    public const string Section = "Monitoring";

    /// <summary>
    /// How often a detector's retained registry view (and the dashboards' live item) is refreshed for changes that carry
    /// no event: heartbeats, whose only news is <c>seq</c> and <c>lastSeenAt</c>. Changes with an event (URL, presence,
    /// provider error, registration) are published at once. Zero publishes every heartbeat. Without this, every
    /// heartbeat cost a database read and a broker publish, which the benchmark showed competing with the ingest.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan HeartbeatRefresh { get; set; } = TimeSpan.FromMinutes(1);
}
