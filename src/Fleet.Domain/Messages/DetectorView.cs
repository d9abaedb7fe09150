using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>The API's computed view of one detector: <c>GET /detectors/{id}</c> and <c>fleet/v1/registry/{id}</c>.</summary>
public sealed record DetectorView
{
    public required string Id { get; init; }

    public string? Name { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public string? Notes { get; init; }

    public string? Location { get; init; }

    public required Presence Status { get; init; }

    [JsonConverter(typeof(UtcTimestampConverter))]
    public DateTimeOffset? StatusSince { get; init; }

    [JsonConverter(typeof(UtcTimestampConverter))]
    public DateTimeOffset? LastSeenAt { get; init; }

    public IReadOnlyList<TunnelView> Tunnels { get; init; } = [];

    /// <summary>
    /// Whether the tunnels answer right now, from the agent's checks and the API's probe. Always set by this API;
    /// null only when reading a view written by an older API.
    /// </summary>
    public ReachabilityView? Reachability { get; init; }

    public ProviderReport? Provider { get; init; }

    public AgentReport? Agent { get; init; }

    /// <summary>The detector's port on an SSH relay when Fleet handed it one (issue 16); omitted otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RelayPortAssignment? Relay { get; init; }

    /// <summary>The health section of the newest applied state; null when the agent sent none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public HealthReport? Health { get; init; }

    public long? Epoch { get; init; }

    public long? Seq { get; init; }

    public required DetectorLinks Links { get; init; }
}
