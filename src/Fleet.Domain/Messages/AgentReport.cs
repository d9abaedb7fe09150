using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>What the agent says about itself and the Pi it runs on.</summary>
public sealed record AgentReport
{
    public string? Version { get; init; }

    public string? Hostname { get; init; }

    public string? Os { get; init; }

    public string? Arch { get; init; }

    [JsonConverter(typeof(UtcTimestampConverter))]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>
    /// How many times in a row another client took this detector's MQTT session over (a cloned SD card); absent when
    /// none. Added in v1 without a schema change: older agents never send it, older APIs ignore it.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Takeovers { get; init; }
}
