namespace Fleet.Api.Alerts.Rules;

/// <summary>
/// One alert rule. A detector rule watches each selected detector's events; a fleet rule (<see cref="RuleKinds.Fleet"/>)
/// watches the share of the detectors with one tag that are in a bad state. The selector is <see cref="DetectorIds"/>
/// or <see cref="Tags"/> (any of them); both empty selects every detector.
/// </summary>
public sealed class AlertRuleRecord
{
    public long Id { get; set; }

    public required string Name { get; set; }

    /// <summary>One of <see cref="RuleKinds"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>The bad events watched (<see cref="RuleEvents.Watchable"/>).</summary>
    public List<string> Events { get; set; } = [];

    public List<string> DetectorIds { get; set; } = [];

    public List<string> Tags { get; set; } = [];

    /// <summary>Flap damping: how long the bad state must last before the alert fires.</summary>
    public TimeSpan Damping { get; set; }

    /// <summary>How long a group waits, after its first member is due, for more members before it fires once.</summary>
    public TimeSpan GroupWindow { get; set; }

    /// <summary>One of <see cref="GroupBy"/>.</summary>
    public required string GroupBy { get; set; }

    /// <summary>Whether a "recovered" notice follows a fired alert when its detectors are back.</summary>
    public bool Recovery { get; set; } = true;

    /// <summary>Fleet rules: fires above this share (0..100) of the tagged detectors in a bad state.</summary>
    public double? ThresholdPercent { get; set; }

    public List<long> DestinationIds { get; set; } = [];

    public bool Enabled { get; set; } = true;

    /// <summary>Events older than the rule are not evaluated by it.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
