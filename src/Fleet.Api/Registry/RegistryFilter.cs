using Fleet.Api.Detectors;
using Fleet.Domain.Messages;

namespace Fleet.Api.Registry;

/// <summary>
/// The filters of <c>GET /detectors</c> over registry entries: the same rules as the SQL of the database path
/// (Detectors/DetectorReadSql.Filters), one condition for each, so both paths select the same detectors.
/// </summary>
internal static class RegistryFilter
{
    private static readonly string Online = Presence.Online.ToWire();

    private static readonly HashSet<string> Shown = [.. ReachabilityStates.All.Where(s => s != ReachabilityStates.Unknown)];

    /// <summary>True when the query has no filter at all: the total is the registry's size.</summary>
    public static bool IsEmpty(DetectorQuery q) =>
        q.Statuses.Count == 0 && q.Reachabilities.Count == 0 && q.Healths.Count == 0 && q.Tags.Count == 0
        && q.Providers.Count == 0 && q.NgrokAccount is null && q.Text is null;

    public static bool Matches(DetectorQuery q, RegistryEntry e) =>
        (q.Statuses.Count == 0 || Contains(q.Statuses, e.Status))
        && (q.Reachabilities.Count == 0 || MatchesReachability(q.Reachabilities, e))
        && (q.Healths.Count == 0 || (e.HealthStatus is { } health && Contains(q.Healths, health)))
        && HasAllTags(q.Tags, e.Tags)
        && (q.Providers.Count == 0 || (e.ProviderKind is { } kind && Contains(q.Providers, kind)))
        && (q.NgrokAccount is null || string.Equals(q.NgrokAccount, e.NgrokAccount, StringComparison.Ordinal))
        && (q.Text is null || e.Id.Contains(q.Text, StringComparison.Ordinal) || (e.LowerName?.Contains(q.Text, StringComparison.Ordinal) ?? false));

    // As the views show it (ReachabilityForView): the stored summary counts only while online; otherwise, or when it
    // is not a known failing or answering state, the detector is unknown.
    private static bool MatchesReachability(IReadOnlyList<string> asked, RegistryEntry e)
    {
        var online = string.Equals(e.Status, Online, StringComparison.Ordinal);
        return (online && Shown.Contains(e.Reachability) && Contains(asked, e.Reachability))
            || ((!online || !Shown.Contains(e.Reachability)) && Contains(asked, ReachabilityStates.Unknown));
    }

    private static bool HasAllTags(IReadOnlyList<string> wanted, IReadOnlyList<string> tags)
    {
        foreach (var tag in wanted)
        {
            if (!Contains(tags, tag))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (string.Equals(values[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
