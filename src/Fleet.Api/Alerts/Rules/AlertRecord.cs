namespace Fleet.Api.Alerts.Rules;

/// <summary>A fired alert: one detector or a group, as told to people (or suppressed by a silence).</summary>
public sealed class AlertRecord
{
    public long Id { get; set; }

    public long RuleId { get; set; }

    /// <summary>A copy: the alert outlives its rule.</summary>
    public required string RuleName { get; set; }

    public required string Event { get; set; }

    /// <summary>The group's key (e.g. <c>tag:lab-a</c>), null for one detector.</summary>
    public string? GroupKey { get; set; }

    public List<string> DetectorIds { get; set; } = [];

    public DateTimeOffset FiredAt { get; set; }

    /// <summary>When the last of its detectors was back; null while firing, and for events that have no "back".</summary>
    public DateTimeOffset? RecoveredAt { get; set; }

    /// <summary>What closed it other than its detectors coming back: <see cref="AlertResolutions.Decommissioned"/>; null otherwise.</summary>
    public string? ResolvedBy { get; set; }

    /// <summary>The silence that covered it at fire time: recorded, no notice sent.</summary>
    public long? SilenceId { get; set; }

    public required string Title { get; set; }

    public required string Text { get; set; }

    /// <summary>Machine-readable details as JSON text (the fleet rule's counts, the triggering events' ids).</summary>
    public string? Data { get; set; }
}
