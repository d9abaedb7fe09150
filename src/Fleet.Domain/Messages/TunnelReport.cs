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
}
