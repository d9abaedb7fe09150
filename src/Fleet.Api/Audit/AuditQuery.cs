using System.Globalization;
using Fleet.Api.Paging;

namespace Fleet.Api.Audit;

/// <summary>The validated query of <c>GET /audit</c>: every filter given must match (AND), newest first.</summary>
internal sealed record AuditQuery(
    string? Actor, IReadOnlyList<string> Actions, string? Target, string? DetectorId, DateTimeOffset? Since, DateTimeOffset? Until, int Limit, long? AfterId)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static (AuditQuery? Query, Dictionary<string, string[]> Errors) Validate(
        string? actor, string[]? action, string? target, string? detector, string? since, string? until, int? limit, string? after)
    {
        var errors = new Dictionary<string, string[]>();
        if (actor is { Length: > AuditActor.MaxLength })
        {
            errors["actor"] = [$"actor is at most {AuditActor.MaxLength} characters."];
        }

        var actions = (action ?? []).Where(a => a.Length > 0).ToList();
        if (actions.Any(a => !AuditActions.All.Contains(a)))
        {
            errors["action"] = [$"Unknown action. Expected any of {string.Join(", ", AuditActions.All.Order(StringComparer.Ordinal))}."];
        }

        if (target is { Length: > 200 })
        {
            errors["target"] = ["target is at most 200 characters."];
        }

        if (detector is not null && Fleet.Domain.Identity.DetectorId.Validate(detector) is { } detectorError)
        {
            errors["detector"] = [detectorError];
        }

        var from = ParseTime(since, "since", errors);
        var to = ParseTime(until, "until", errors);
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit} (got {limit})."];
        }

        long? afterId = null;
        if (after is not null)
        {
            if (Cursor.TryDecodeNumber(after, out var id))
            {
                afterId = id;
            }
            else
            {
                errors["after"] = [Cursor.InvalidAfter];
            }
        }

        return errors.Count > 0
            ? (null, errors)
            : (new AuditQuery(actor, actions, target, detector, from, to, limit ?? DefaultLimit, afterId), errors);
    }

    private static DateTimeOffset? ParseTime(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        errors[name] = [$"{name} must be an ISO 8601 time such as 2026-12-05T10:00:00Z."];
        return null;
    }
}
