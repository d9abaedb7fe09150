using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>Payload of <c>fleet/v1/events/{id}</c> and a row of a detector's history. <see cref="At"/> is the API's clock.</summary>
public sealed record FleetEvent
{
    public required string Type { get; init; }

    public required string DetectorId { get; init; }

    [JsonConverter(typeof(UtcTimestampConverter))]
    public required DateTimeOffset At { get; init; }

    public JsonObject? Data { get; init; }
}
