using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>Payload of <c>fleet/v1/detectors/{id}/status</c>: presence as the agent (or its will) reports it.</summary>
public sealed record StatusMessage
{
    [JsonConverter(typeof(StrictPresenceConverter))]
    public required Presence State { get; init; }

    /// <summary>The epoch of the MQTT connection this presence belongs to.</summary>
    public required long Epoch { get; init; }

    /// <summary>The agent installation's incarnation id, as in <see cref="StateMessage.Instance"/> (absent from older agents).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Instance { get; init; }

    /// <summary>The agent's clock: informational only, never used for ordering.</summary>
    [JsonConverter(typeof(UtcTimestampConverter))]
    public DateTimeOffset? At { get; init; }

    public string? Reason { get; init; }
}
