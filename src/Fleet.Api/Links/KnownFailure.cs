using Fleet.Api.Data;
using Fleet.Api.Detectors;
using Fleet.Domain.Messages;
using Fleet.Domain.Reachability;

namespace Fleet.Api.Links;

/// <summary>
/// Whether a permanent link's tunnel is known not to answer: its newest agent check or probe failed while the
/// detector is online. Sending a browser there would only show the provider's error page.
/// </summary>
internal static class KnownFailure
{
    /// <summary>The tunnel's failures in words (Fleet.Domain's one wording table), or null when nothing says it fails.</summary>
    public static string? Describe(DetectorRecord detector, TunnelRecord tunnel)
    {
        if (detector.Status != "online")
        {
            return null;
        }

        var failing = ReachabilityForView.Failing([tunnel.ToView()]);
        return failing.Count == 0 ? null : string.Join("; ", failing.Select(OutcomeWords.Describe));
    }

    /// <summary>The failing entries of the tunnel, for the problem's <c>failing</c> extension.</summary>
    public static IReadOnlyList<FailingTunnel> Of(TunnelRecord tunnel) => ReachabilityForView.Failing([tunnel.ToView()]);

    /// <summary><c>?go=1</c> (or <c>true</c>): go anyway. Null when the value is neither yes nor no.</summary>
    public static bool? ParseGo(string? go) => go?.ToLowerInvariant() switch
    {
        null or "" or "0" or "false" => false,
        "1" or "true" => true,
        _ => null,
    };
}
