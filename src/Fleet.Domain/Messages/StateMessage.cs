using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>Payload of <c>fleet/v1/detectors/{id}/state</c>: the agent's full snapshot, never a delta.</summary>
public sealed record StateMessage
{
    public const int CurrentSchema = 1;

    public required int Schema { get; init; }

    public required string DetectorId { get; init; }

    public required long Epoch { get; init; }

    public required long Seq { get; init; }

    /// <summary>
    /// The agent installation's incarnation id (additive: absent from older agents), new whenever its state directory
    /// is new: a re-flashed card starts a new ordering life even at an equal or lower epoch (OrderingRules).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Instance { get; init; }

    /// <summary>The agent's clock: informational only (a Pi has no real-time clock).</summary>
    [JsonConverter(typeof(UtcTimestampConverter))]
    public DateTimeOffset? SentAt { get; init; }

    public int? HeartbeatSeconds { get; init; }

    public required IReadOnlyList<TunnelReport> Tunnels { get; init; }

    public ProviderReport? Provider { get; init; }

    public AgentReport? Agent { get; init; }

    /// <summary>The Pi's facts and the operator's checks (additive: absent from older agents and with Agent:Health:Enabled false).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public HealthReport? Health { get; init; }
}
