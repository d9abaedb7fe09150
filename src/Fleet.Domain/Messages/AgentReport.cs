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
}
