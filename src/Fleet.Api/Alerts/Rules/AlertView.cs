using System.Text.Json.Nodes;

namespace Fleet.Api.Alerts.Rules;

/// <summary>
/// A fired alert. <c>status</c>: <c>firing</c> (waiting for its detectors to be back), <c>recovered</c>, <c>resolved</c>
/// (closed without them coming back: <c>resolvedBy</c> says why, e.g. decommissioned), <c>fired</c>
/// (an event without a "back", such as url-changed) or <c>suppressed</c> (a silence covered it: nobody was told).
/// </summary>
public sealed record AlertView(
    long Id, long RuleId, string RuleName, string Event, string Status, string? Group, IReadOnlyList<string> DetectorIds,
    DateTimeOffset FiredAt, DateTimeOffset? RecoveredAt, long? SilenceId, string Title, string Text, JsonObject? Data)
{
    /// <summary>What closed it other than its detectors coming back (<c>decommissioned</c>), or null.</summary>
    public string? ResolvedBy { get; init; }

    public static AlertView Of(AlertRecord a) => new(
        a.Id, a.RuleId, a.RuleName, a.Event, StatusOf(a), a.GroupKey, a.DetectorIds, a.FiredAt, a.RecoveredAt, a.SilenceId,
        a.Title, a.Text, a.Data is null ? null : JsonNode.Parse(a.Data) as JsonObject)
    {
        ResolvedBy = a.ResolvedBy,
    };

    private static string StatusOf(AlertRecord a) =>
        a.SilenceId is not null ? "suppressed"
        : a.ResolvedBy is not null ? "resolved"
        : a.RecoveredAt is not null ? "recovered"
        : RuleEvents.HasBack(a.Event) || a.Event.StartsWith(AlertNotices.FleetPrefix, StringComparison.Ordinal) ? "firing"
        : "fired";
}
