using Fleet.Domain.Messages;

namespace Fleet.Domain.Reachability;

/// <summary>
/// The contract's reachability rule (docs/CONTRACT.md, "Reachability") as pure functions, the one place it lives: the
/// API's ingest and probe writer store <see cref="Summarise"/>'s state, the views apply <see cref="ForView"/> to it.
/// </summary>
public static class ReachabilityRules
{
    /// <summary>
    /// A tunnel fails when its newest agent check or its newest probe fails; tunnels nobody checked do not count (a
    /// <c>refused</c> outcome, a probe the API would not make, is no evidence either way). Nothing checked: unknown; no
    /// checked tunnel failing: reachable; every checked tunnel failing: unreachable; otherwise degraded. Presence is
    /// not part of it.
    /// </summary>
    public static ReachabilitySummary Summarise(IEnumerable<TunnelEvidence> tunnels)
    {
        var checkedCount = 0;
        var failingCount = 0;
        var failing = new List<FailingTunnel>();
        foreach (var tunnel in tunnels.OrderBy(t => t.Tunnel, StringComparer.Ordinal))
        {
            var agentSaid = IsEvidence(tunnel.CheckOutcome);
            var probeSaid = IsEvidence(tunnel.ProbeOutcome);
            if (!agentSaid && !probeSaid)
            {
                continue;
            }

            checkedCount++;
            var agentFails = agentSaid && CheckOutcomes.IsFailure(tunnel.CheckOutcome!);
            var probeFails = probeSaid && CheckOutcomes.IsFailure(tunnel.ProbeOutcome!);
            if (agentFails)
            {
                failing.Add(new FailingTunnel(tunnel.Tunnel, tunnel.CheckOutcome!, tunnel.CheckCode, CheckSources.Agent));
            }

            if (probeFails)
            {
                failing.Add(new FailingTunnel(tunnel.Tunnel, tunnel.ProbeOutcome!, tunnel.ProbeCode, CheckSources.Probe));
            }

            if (agentFails || probeFails)
            {
                failingCount++;
            }
        }

        var state = checkedCount == 0 ? ReachabilityStates.Unknown
            : failingCount == 0 ? ReachabilityStates.Reachable
            : failingCount == checkedCount ? ReachabilityStates.Unreachable
            : ReachabilityStates.Degraded;
        return new ReachabilitySummary(state, failing);
    }

    // `refused` (the probe's rules forbade connecting) says nothing about the tunnel, from whichever source.
    private static bool IsEvidence(string? outcome) => outcome is not null and not CheckOutcomes.Refused;

    /// <summary>
    /// The state a view shows: the stored one while the detector is online, <c>unknown</c> otherwise (a detector that
    /// is not connected cannot vouch for its URLs, whatever its last checks said).
    /// </summary>
    public static string ForView(Presence presence, string stored) =>
        presence == Presence.Online ? stored : ReachabilityStates.Unknown;

    /// <inheritdoc cref="ForView(Presence, string)"/>
    public static string ForView(string presence, string stored) =>
        presence == Presence.Online.ToWire() ? stored : ReachabilityStates.Unknown;

    /// <summary>
    /// Whether a change of the stored state from <paramref name="from"/> to <paramref name="to"/> is a history event:
    /// only changes of an online detector, and none to <c>unknown</c> (the checks vanished, e.g. an agent downgrade or
    /// a restart before its first check; there is no event type for it and nothing was learnt about the URLs).
    /// </summary>
    public static bool IsEvent(string from, string to, Presence presence) =>
        from != to && to != ReachabilityStates.Unknown && presence == Presence.Online;
}
