using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>One public URL as the agent reports it.</summary>
public sealed record TunnelReport
{
    public required string Name { get; init; }

    public required string Url { get; init; }

    public string? Proto { get; init; }

    public string? Upstream { get; init; }

    [JsonConverter(typeof(UtcTimestampConverter))]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>The agent's newest check of this tunnel (additive: absent from older agents).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TunnelCheck? Check { get; init; }
}
