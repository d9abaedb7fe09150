using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.PresenceSweep;

/// <summary>When the API decides on its own that a silent detector is lost.</summary>
public sealed class PresenceOptions
{
    public const string Section = "Presence";

    /// <summary>Off: presence comes only from the detectors' own status messages and wills.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the sweeper looks for silent detectors.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>An online detector silent for this many of its heartbeat intervals is marked lost.</summary>
    [Range(1, 100)]
    public int MissedHeartbeats { get; set; } = 3;

    /// <summary>The heartbeat interval assumed for a detector whose state did not say (or that never sent one).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DefaultHeartbeat { get; set; } = TimeSpan.FromSeconds(60);
}
