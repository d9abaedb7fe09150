namespace Fleet.Api.Alerts.Rules;

/// <summary>
/// Where one detector stands for one rule: pending (bad, waiting for the damping time) or firing (told, waiting for the
/// good event). No row: nothing to say. A fleet rule keeps one row with <see cref="FleetDetectorId"/>.
/// </summary>
public sealed class AlertStateRecord
{
    /// <summary>Not a valid detector id, so it never meets a real one.</summary>
    public const string FleetDetectorId = "*";

    public long RuleId { get; set; }

    public required string DetectorId { get; set; }

    /// <summary>One of <see cref="AlertStates"/>.</summary>
    public required string State { get; set; }

    /// <summary>The bad event that started it.</summary>
    public required string Event { get; set; }

    /// <summary>The id of that event in the history (0 for a fleet rule).</summary>
    public long EventId { get; set; }

    public DateTimeOffset Since { get; set; }

    /// <summary>Since + the rule's damping time.</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>What it fires together with (see <see cref="GroupKeys"/>).</summary>
    public required string GroupKey { get; set; }

    /// <summary>The alert it fired in (firing only).</summary>
    public long? AlertId { get; set; }
}

public static class AlertStates
{
    public const string Pending = "pending";
    public const string Firing = "firing";
}
