using Fleet.Domain.Messages;

namespace Fleet.Api.Tests.Health;

/// <summary>States carrying a health section, for the health tests.</summary>
internal static class HealthStates
{
    public static HealthReport Report(params (string Name, string Outcome, string? Text)[] checks) => new()
    {
        Status = HealthOutcomes.Worst(checks.Select(c => c.Outcome)),
        Facts = new HealthFacts { UptimeSeconds = 3600, DiskFreeBytes = 1_000_000, Load = [0.5, 0.4, 0.3], CpuTemperatureC = 48.2 },
        Checks = [.. checks.Select(c => new HealthCheckResult { Name = c.Name, Outcome = c.Outcome, Text = c.Text, Value = 12 })],
    };

    public static StateMessage State(string id, long seq, HealthReport? health) =>
        Messages.State(id, 1, seq) with { Health = health };
}
