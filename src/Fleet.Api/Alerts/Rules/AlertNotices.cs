using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Fleet.Api.Alerts.Delivery;

namespace Fleet.Api.Alerts.Rules;

/// <summary>The words of alerts and of their notices: one place for titles, texts and notice ids.</summary>
internal static class AlertNotices
{
    /// <summary>A fleet rule's alerts carry this prefix before the watched event (<c>fleet-lost</c>).</summary>
    public const string FleetPrefix = "fleet-";

    private const int ListedDetectors = 20;

    public static (string Title, string Text) DescribeFired(AlertRuleRecord rule, string? group, IReadOnlyList<AlertStateRecord> members)
    {
        var what = string.Join("/", members.Select(m => RuleEvents.Describe(m.Event)).Distinct());
        var title = members.Count == 1 && group is null
            ? $"Detector {members[0].DetectorId} {what}"
            : $"{Count(members.Count)} {Where(group, rule)} {what}";
        var since = members.Min(m => m.Since);
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Rule: {rule.Name}\n")
            .Append(CultureInfo.InvariantCulture, $"Since: {since:u} (damping {rule.Damping.TotalSeconds:0} s)\n")
            .Append(Listed(members.Select(m => m.DetectorId).ToList()));
        return (title, text.ToString());
    }

    public static (string Title, string Text) DescribeFleet(AlertRuleRecord rule, FleetShare share, bool recovered)
    {
        var tag = rule.Tags[0];
        var watched = string.Join("/", rule.Events);
        var title = recovered
            ? $"Detectors at tag {tag} back below {rule.ThresholdPercent:0.#} % {watched}"
            : $"{share.Percent:0.#} % of the detectors at tag {tag} {watched}";
        var text = $"Rule: {rule.Name}\n{share.Bad} of {share.Total} detectors at tag {tag} {watched} (threshold {rule.ThresholdPercent:0.#} %)\n";
        return (title, text);
    }

    public static AlertNotice Fired(AlertRecord alert) => Notice(alert, NoticeKinds.Fired, alert.Title, alert.Text, alert.FiredAt);

    public static AlertNotice Recovered(AlertRecord alert, string? fleetTitle = null)
    {
        var title = fleetTitle ?? (alert.DetectorIds.Count == 1 && alert.GroupKey is null
            ? $"Detector {alert.DetectorIds[0]} back (was {RuleEvents.Describe(alert.Event)})"
            : $"{Count(alert.DetectorIds.Count)} {Where(alert.GroupKey, null)} back (were {RuleEvents.Describe(alert.Event)})");
        var text = $"Rule: {alert.RuleName}\nFired: {alert.FiredAt:u}\nRecovered: {alert.RecoveredAt:u}\n{Listed(alert.DetectorIds)}";
        return Notice(alert, NoticeKinds.Recovered, title, text, alert.RecoveredAt ?? alert.FiredAt);
    }

    /// <summary>An alert closed because its last firing detector was decommissioned: it will never be "back".</summary>
    public static AlertNotice Resolved(AlertRecord alert)
    {
        var title = alert.DetectorIds.Count == 1 && alert.GroupKey is null
            ? $"Detector {alert.DetectorIds[0]} {alert.ResolvedBy} (was {RuleEvents.Describe(alert.Event)}): alert closed"
            : $"{Count(alert.DetectorIds.Count)} {Where(alert.GroupKey, null)}: alert closed, the last of them {alert.ResolvedBy} (were {RuleEvents.Describe(alert.Event)})";
        var text = $"Rule: {alert.RuleName}\nFired: {alert.FiredAt:u}\nClosed: {alert.RecoveredAt:u} ({alert.ResolvedBy})\n{Listed(alert.DetectorIds)}";
        return Notice(alert, NoticeKinds.Resolved, title, text, alert.RecoveredAt ?? alert.FiredAt);
    }

    private static AlertNotice Notice(AlertRecord alert, string kind, string title, string text, DateTimeOffset at) => new()
    {
        // Stable per alert and kind: a retried delivery repeats it, so receivers can drop the duplicate.
        Id = $"alert-{alert.Id}-{kind}",
        Kind = kind,
        AlertId = alert.Id,
        RuleId = alert.RuleId,
        RuleName = alert.RuleName,
        Event = alert.Event,
        Title = title,
        Text = text,
        DetectorIds = alert.DetectorIds,
        Group = alert.GroupKey,
        At = at,
        Data = alert.Data is null ? null : JsonNode.Parse(alert.Data) as JsonObject,
    };

    private static string Count(int n) => n == 1 ? "1 detector" : $"{n} detectors";

    private static string Where(string? group, AlertRuleRecord? rule) => group switch
    {
        null => "",
        GroupKeys.Untagged => "without a tag",
        GroupKeys.RulePrefix => rule is null ? "of one rule" : $"of rule '{rule.Name}'",
        _ when group.StartsWith(GroupKeys.TagPrefix, StringComparison.Ordinal) => $"at tag {group[GroupKeys.TagPrefix.Length..]}",
        _ => group,
    };

    private static string Listed(List<string> ids)
    {
        var shown = string.Join(", ", ids.Take(ListedDetectors));
        return ids.Count > ListedDetectors ? $"Detectors: {shown} and {ids.Count - ListedDetectors} more\n" : $"Detectors: {shown}\n";
    }
}

/// <summary>How many of a tag's detectors are in a watched state.</summary>
internal readonly record struct FleetShare(int Bad, int Total)
{
    public double Percent => Total == 0 ? 0 : 100.0 * Bad / Total;
}
