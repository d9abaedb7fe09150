using Fleet.Domain.Messages;

namespace Fleet.Domain.Reachability;

/// <summary>A detector's reachability as stored: the state (one of <see cref="ReachabilityStates"/>) and why.</summary>
/// <param name="Failing">The failing tunnels by name (ordinal), the agent's verdict before the probe's.</param>
public sealed record ReachabilitySummary(string State, IReadOnlyList<FailingTunnel> Failing)
{
    public static ReachabilitySummary Unknown { get; } = new(ReachabilityStates.Unknown, []);
}
