namespace Fleet.Api.Alerts.Rules;

/// <summary>A maintenance window: alerts about the detectors it covers fire as suppressed (recorded, nobody told).</summary>
public sealed class AlertSilenceRecord
{
    public long Id { get; set; }

    public List<string> DetectorIds { get; set; } = [];

    /// <summary>A detector carrying any of these tags is covered.</summary>
    public List<string> Tags { get; set; } = [];

    /// <summary>Inclusive.</summary>
    public DateTimeOffset StartsAt { get; set; }

    /// <summary>Exclusive.</summary>
    public DateTimeOffset EndsAt { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public bool Covers(string detectorId, IReadOnlyCollection<string> detectorTags, DateTimeOffset at) =>
        StartsAt <= at && at < EndsAt && (DetectorIds.Contains(detectorId) || Tags.Any(detectorTags.Contains));
}
