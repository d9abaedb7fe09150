using Fleet.Domain.Messages;

namespace Fleet.Domain.Reachability;

/// <summary>
/// The read side's rule: what a view shows from the stored summary (written with each check and probe, see
/// ReachabilityRules) and the tunnels' newest check and probe. The stored summary ignores presence, so that a
/// detector coming back online shows its last evidence at once; a detector that is not online shows
/// <see cref="ReachabilityStates.Unknown"/> and no failing list, because nobody can tell whether its URLs answer.
/// </summary>
public static class ReachabilityForView
{
    /// <param name="status">The detector's presence.</param>
    /// <param name="storedState">The stored summary; a value this API does not know reads as unknown.</param>
    /// <param name="checkedAt">When the evidence was last refreshed (API clock).</param>
    /// <param name="tunnels">The tunnels with their <see cref="TunnelView.Check"/> and <see cref="TunnelView.Probe"/>.</param>
    public static ReachabilityView Of(Presence status, string? storedState, DateTimeOffset? checkedAt, IEnumerable<TunnelView> tunnels)
    {
        var shown = ReachabilityRules.ForView(status, storedState ?? ReachabilityStates.Unknown);
        return shown == ReachabilityStates.Unknown || !ReachabilityStates.All.Contains(shown)
            ? new ReachabilityView { State = ReachabilityStates.Unknown }
            : new ReachabilityView { State = shown, CheckedAt = checkedAt, Failing = Failing(tunnels) };
    }

    /// <summary>The failing tunnels of <see cref="ReachabilityRules.Summarise"/>, from the views' tunnels.</summary>
    public static IReadOnlyList<FailingTunnel> Failing(IEnumerable<TunnelView> tunnels) =>
        ReachabilityRules.Summarise(tunnels.Select(t => new TunnelEvidence(t.Name, t.Check?.Outcome, t.Check?.Code, t.Probe?.Outcome, t.Probe?.Code))).Failing;
}
