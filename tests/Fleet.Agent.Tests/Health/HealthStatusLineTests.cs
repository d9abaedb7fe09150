using Fleet.Agent.Commands;
using Fleet.Domain.Messages;

namespace Fleet.Agent.Tests.Health;

/// <summary>`fleet-agent status` shows the health the agent publishes: the outcome, each check, the facts it could read.</summary>
public sealed class HealthStatusLineTests
{
    [Fact]
    public void Describe_FailingCheck_SaysOutcomeTextValueAndWhen() =>
        Assert.Equal("fail: acquisition stopped (value 0) at 2026-12-05 10:00:00Z", StatusCommand.Describe(new HealthCheckResult
        {
            Name = "daq",
            Outcome = HealthOutcomes.Fail,
            Text = "acquisition stopped",
            Value = 0,
            CheckedAt = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero),
        }));

    [Fact]
    public void DescribeFacts_OnlyTheFactsThatWereRead() =>
        Assert.Equal("up 2.0 h, disk 12.5 GB free, 48.3 °C, load 0.12", StatusCommand.DescribeFacts(new HealthFacts
        {
            UptimeSeconds = 7200,
            DiskFreeBytes = 12_500_000_000,
            CpuTemperatureC = 48.3,
            Load = [0.12, 0.2, 0.3],
        }));
}
