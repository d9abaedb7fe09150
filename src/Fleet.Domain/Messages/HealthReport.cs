using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>
/// The <c>health</c> section of <c>state</c> (additive: absent from older agents and from agents with health off): what
/// the Pi says about itself, next to reachability. Outcomes stay strings so that a newer agent is still understood.
/// </summary>
public sealed record HealthReport
{
    /// <summary>The worst outcome of <see cref="Checks"/> (<see cref="HealthOutcomes.Worst"/>); <c>ok</c> when there are none.</summary>
    public required string Status { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public HealthFacts? Facts { get; init; }

    public IReadOnlyList<HealthCheckResult> Checks { get; init; } = [];
}
