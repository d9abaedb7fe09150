using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>One operator-defined check (Agent:Health:Checks) as it last ran.</summary>
public sealed record HealthCheckResult
{
    public required string Name { get; init; }

    /// <summary>One of <see cref="HealthOutcomes"/>.</summary>
    public required string Outcome { get; init; }

    /// <summary>What the check said, without control characters, at most <see cref="HealthOutcomes.MaxTextLength"/> characters.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Text { get; init; }

    /// <summary>The number the check printed last on its first line (e.g. an age in seconds), when it printed one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Value { get; init; }

    /// <summary>When it ran, on the agent's clock (informational).</summary>
    [JsonConverter(typeof(UtcTimestampConverter))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? CheckedAt { get; init; }
}
