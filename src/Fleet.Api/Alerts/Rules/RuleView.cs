namespace Fleet.Api.Alerts.Rules;

/// <summary>A rule as the REST API shows it (the request's fields with their defaults applied).</summary>
public sealed record RuleView(
    long Id,
    string Name,
    string Kind,
    IReadOnlyList<string> Events,
    IReadOnlyList<string> DetectorIds,
    IReadOnlyList<string> Tags,
    int ForSeconds,
    int GroupWindowSeconds,
    string GroupBy,
    bool Recovery,
    double? ThresholdPercent,
    IReadOnlyList<long> DestinationIds,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static RuleView Of(AlertRuleRecord r) => new(
        r.Id, r.Name, r.Kind, r.Events, r.DetectorIds, r.Tags, (int)r.Damping.TotalSeconds, (int)r.GroupWindow.TotalSeconds,
        r.GroupBy, r.Recovery, r.ThresholdPercent, r.DestinationIds, r.Enabled, r.CreatedAt, r.UpdatedAt);
}
