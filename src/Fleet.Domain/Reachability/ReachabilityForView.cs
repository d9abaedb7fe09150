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
        if (status != Presence.Online || storedState is null || storedState == ReachabilityStates.Unknown
            || !ReachabilityStates.All.Contains(storedState))
        {
            return new ReachabilityView { State = ReachabilityStates.Unknown };
        }

        return new ReachabilityView { State = storedState, CheckedAt = checkedAt, Failing = Failing(tunnels) };
    }

    /// <summary>
    /// Each tunnel whose newest agent check or newest probe fails (<see cref="CheckOutcomes.IsFailure"/>), by tunnel
    /// name, the agent's before the probe's when both fail.
    /// </summary>
    public static IReadOnlyList<FailingTunnel> Failing(IEnumerable<TunnelView> tunnels)
    {
        var failing = new List<FailingTunnel>();
        foreach (var tunnel in tunnels.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (tunnel.Check is { } check && CheckOutcomes.IsFailure(check.Outcome))
            {
                failing.Add(new FailingTunnel(tunnel.Name, check.Outcome, check.Code, CheckSources.Agent));
            }

            if (tunnel.Probe is { } probe && CheckOutcomes.IsFailure(probe.Outcome))
            {
                failing.Add(new FailingTunnel(tunnel.Name, probe.Outcome, probe.Code, CheckSources.Probe));
            }
        }

        return failing;
    }
}
