using System.Text.RegularExpressions;
using Fleet.Api.Paging;
using Fleet.Domain.Messages;

namespace Fleet.Api.Detectors;

/// <summary>The validated query of <c>GET /detectors</c>.</summary>
/// <param name="Providers">The active provider (provider.kind) is any of these.</param>
/// <param name="NgrokAccount">The detector's ngrok account fingerprint (provider.ngrokAccount) is this one.</param>
internal sealed partial record DetectorQuery(
    IReadOnlyList<string> Statuses, IReadOnlyList<string> Reachabilities, IReadOnlyList<string> Tags, string? Text, int Limit, string? After)
{
    /// <summary>Any of these health statuses (<c>?health=</c>); empty: any, including none.</summary>
    public IReadOnlyList<string> Healths { get; init; } = [];

    public IReadOnlyList<string> Providers { get; init; } = [];

    public string? NgrokAccount { get; init; }

    /// <summary>The order (<c>sort=</c>); <see cref="After"/> with <see cref="AfterKey"/> is the last detector of the previous page in it.</summary>
    public DetectorSort Sort { get; init; } = DetectorSort.Default;

    /// <summary>The previous page's last sort key (<see cref="DetectorSort.KeyText"/>); null for the default order.</summary>
    public string? AfterKey { get; init; }

    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static (DetectorQuery? Query, Dictionary<string, string[]> Errors) Validate(
        string[]? status, string[]? reachability, string[]? tag, string? q, int? limit, string? after,
        string[]? health = null, string[]? provider = null, string? ngrokAccount = null, string? sort = null)
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

        var providers = (provider ?? []).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (providers.FirstOrDefault(p => !ProviderKind().IsMatch(p)) is { } badProvider)
        {
            errors["provider"] = [$"Unknown provider '{Printable(badProvider)}'. Expected a provider kind such as ngrok, cloudflared, reverse-ssh or static."];
        }

        if (ngrokAccount is not null && !AccountFingerprint().IsMatch(ngrokAccount))
        {
            errors["ngrokAccount"] = ["ngrokAccount is a fingerprint as GET /detectors shows it in provider.ngrokAccount: sha256: and 16 lowercase hex digits."];
        }

        if (!DetectorSort.TryParse(sort, out var order))
        {
            errors["sort"] = [$"Unknown sort '{Printable(sort!)}'. Expected one of {string.Join(", ", DetectorSort.Names)}."];
        }

        string? afterId = null;
        string? afterKey = null;
        if (after is not null)
        {
            if (DetectorCursor.TryDecode(after, order, out afterKey, out var decoded) is { } cursorError)
            {
                errors["after"] = [cursorError];
            }
            else
            {
                afterId = decoded;
            }
        }

        return errors.Count > 0
            ? (null, errors)
            : (new DetectorQuery(statuses, reachabilities, tags, string.IsNullOrWhiteSpace(q) ? null : q.Trim().ToLowerInvariant(), limit ?? DefaultLimit, afterId)
            {
                Healths = healths,
                Providers = providers,
                NgrokAccount = ngrokAccount,
                Sort = order,
                AfterKey = afterKey,
            }, errors);
    }

    private static string Printable(string value) =>
        new([.. value.Take(40).Select(c => char.IsControl(c) ? '?' : c)]);

    // Kinds stay open (a newer agent may bring a new one), but a kind is a short lowercase word.
    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex ProviderKind();

    [GeneratedRegex("^sha256:[0-9a-f]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountFingerprint();
}
