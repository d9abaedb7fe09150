using Fleet.Api.Paging;
using Fleet.Domain.Messages;

namespace Fleet.Api.Detectors;

/// <summary>The validated query of <c>GET /detectors</c>.</summary>
internal sealed record DetectorQuery(
    IReadOnlyList<string> Statuses, IReadOnlyList<string> Reachabilities, IReadOnlyList<string> Tags, string? Text, int Limit, string? After)
{
    /// <summary>Any of these health statuses (<c>?health=</c>); empty: any, including none.</summary>
    public IReadOnlyList<string> Healths { get; init; } = [];

    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static (DetectorQuery? Query, Dictionary<string, string[]> Errors) Validate(
        string[]? status, string[]? reachability, string[]? tag, string? q, int? limit, string? after, string[]? health = null)
    {
        var errors = new Dictionary<string, string[]>();
        var statuses = new List<string>();
        foreach (var value in status ?? [])
        {
            if (PresenceNames.TryParse(value, out var presence))
            {
                statuses.Add(presence.ToWire());
            }
            else
            {
                errors["status"] = [$"Unknown status '{Printable(value)}'. Expected one of online, offline, lost, unknown."];
            }
        }

        var reachabilities = new List<string>();
        foreach (var value in reachability ?? [])
        {
            if (ReachabilityStates.All.Contains(value))
            {
                reachabilities.Add(value);
            }
            else
            {
                errors["reachability"] = [$"Unknown reachability '{Printable(value)}'. Expected one of {string.Join(", ", ReachabilityStates.All)}."];
            }
        }

        var healths = new List<string>();
        foreach (var value in health ?? [])
        {
            if (HealthOutcomes.All.Contains(value))
            {
                healths.Add(value);
            }
            else
            {
                errors["health"] = [$"Unknown health '{Printable(value)}'. Expected one of {string.Join(", ", HealthOutcomes.All)}."];
            }
        }

        var tags = (tag ?? []).Where(t => t.Length > 0).ToList();
        if (tags.Any(t => t.Length > 64))
        {
            errors["tag"] = ["A tag is at most 64 characters."];
        }

        if (q is { Length: > 200 })
        {
            errors["q"] = ["q is at most 200 characters."];
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit} (got {limit})."];
        }

        string? afterId = null;
        if (after is not null)
        {
            if (Cursor.TryDecode(after, out var decoded))
            {
                afterId = decoded;
            }
            else
            {
                errors["after"] = ["after is not a valid cursor: use the one from the Link header of the previous page."];
            }
        }

        return errors.Count > 0
            ? (null, errors)
            : (new DetectorQuery(statuses, reachabilities, tags, string.IsNullOrWhiteSpace(q) ? null : q.Trim().ToLowerInvariant(), limit ?? DefaultLimit, afterId) { Healths = healths }, errors);
    }

    private static string Printable(string value) =>
        new([.. value.Take(40).Select(c => char.IsControl(c) ? '?' : c)]);
}
