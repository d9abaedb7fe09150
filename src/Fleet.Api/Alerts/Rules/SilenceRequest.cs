using Fleet.Api.Detectors;
using Fleet.Domain.Identity;

namespace Fleet.Api.Alerts.Rules;

/// <summary>The body of <c>POST /alerts/silences</c> and <c>PUT /alerts/silences/{id}</c>.</summary>
public sealed record SilenceRequest
{
    public List<string>? DetectorIds { get; init; }

    /// <summary>Detectors with any of these tags.</summary>
    public List<string>? Tags { get; init; }

    /// <summary>Default: now.</summary>
    public DateTimeOffset? StartsAt { get; init; }

    /// <summary>Required, later than startsAt and than now.</summary>
    public DateTimeOffset? EndsAt { get; init; }

    public string? Reason { get; init; }
}

internal static class SilenceValidation
{
    public static Dictionary<string, string[]> Apply(SilenceRequest body, AlertSilenceRecord silence, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        var ids = (body.DetectorIds ?? []).Distinct(StringComparer.Ordinal).ToList();
        var tags = (body.Tags ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count > RuleValidation.MaxSelectorItems || ids.Any(id => !DetectorId.IsValid(id)))
        {
            errors["detectorIds"] = [$"detectorIds: at most {RuleValidation.MaxSelectorItems} valid detector ids."];
        }

        if (tags.Count > DetectorPatch.MaxTags || tags.Any(t => !DetectorPatch.IsValidTag(t)))
        {
            errors["tags"] = [$"tags: at most {DetectorPatch.MaxTags}, each a valid detector tag."];
        }

        if (ids.Count == 0 && tags.Count == 0)
        {
            errors["detectorIds"] = ["A silence names detectorIds, tags or both (it never covers the whole fleet by accident)."];
        }

        var starts = body.StartsAt ?? silence.StartsAt;
        if (body.StartsAt is null && silence.Id == 0)
        {
            starts = now;
        }

        if (body.EndsAt is not { } ends)
        {
            errors["endsAt"] = ["endsAt is required (ISO 8601, e.g. 2026-12-05T18:00:00Z)."];
        }
        else if (ends <= starts || ends <= now)
        {
            errors["endsAt"] = ["endsAt must be later than startsAt and than now."];
        }

        if (body.Reason is { } reason && (reason.Length > 500 || reason.Any(c => char.IsControl(c) && c != '\n')))
        {
            errors["reason"] = ["reason: at most 500 printable characters."];
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        silence.DetectorIds = ids;
        silence.Tags = tags;
        silence.StartsAt = starts;
        silence.EndsAt = body.EndsAt!.Value;
        silence.Reason = string.IsNullOrWhiteSpace(body.Reason) ? null : body.Reason.Trim();
        return errors;
    }
}

/// <summary>A silence as listed: <c>state</c> is scheduled, active or expired at the time of the request.</summary>
public sealed record SilenceView(
    long Id, IReadOnlyList<string> DetectorIds, IReadOnlyList<string> Tags, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    string? Reason, string State, DateTimeOffset CreatedAt)
{
    public static SilenceView Of(AlertSilenceRecord s, DateTimeOffset now) => new(
        s.Id, s.DetectorIds, s.Tags, s.StartsAt, s.EndsAt, s.Reason,
        now < s.StartsAt ? "scheduled" : now < s.EndsAt ? "active" : "expired", s.CreatedAt);
}
