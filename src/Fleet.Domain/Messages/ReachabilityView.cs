using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>
/// Whether a detector's URLs answer, summarised from the newest agent check and API probe of each tunnel
/// (Fleet.Domain.Reachability.ReachabilityRules is the rule).
/// </summary>
public sealed record ReachabilityView
{
    /// <summary>One of <see cref="ReachabilityStates"/>.</summary>
    public required string State { get; init; }

    /// <summary>When the evidence behind <see cref="State"/> was last refreshed (API clock).</summary>
    [JsonConverter(typeof(UtcTimestampConverter))]
    public DateTimeOffset? CheckedAt { get; init; }

    /// <summary>The tunnels that do not answer, and why; empty when reachable or unknown.</summary>
    public IReadOnlyList<FailingTunnel> Failing { get; init; } = [];
}
