using Fleet.Domain.Messages;

namespace Fleet.Agent.Publishing;

/// <summary>What the running agent last did, written to the state directory for `fleet-agent status`. No secrets.</summary>
public sealed record AgentStatus
{
    public required string DetectorId { get; init; }

    public required string Broker { get; init; }

    public bool Connected { get; init; }

    public DateTimeOffset? ConnectedSince { get; init; }

    public string? LastError { get; init; }

    public long? Epoch { get; init; }

    public long? Seq { get; init; }

    public DateTimeOffset? LastPublishedAt { get; init; }

    public IReadOnlyList<TunnelReport> Tunnels { get; init; } = [];

    public ProviderReport? Provider { get; init; }

    /// <summary>The health published with the state (null when Agent:Health:Enabled is false).</summary>
    public HealthReport? Health { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
