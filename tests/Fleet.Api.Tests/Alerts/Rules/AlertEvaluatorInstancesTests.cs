using Fleet.Domain.Messages;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Alerts.Rules;

/// <summary>Two API instances on one PostgreSQL database: their evaluators take turns on the cursor row.</summary>
public sealed class AlertEvaluatorInstancesTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));
    private AlertRulesHarness _a = null!;
    private AlertRulesHarness _b = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("alertsab");
        var extra = new Dictionary<string, string?> { ["Presence:Enabled"] = "false" };
        _a = await AlertRulesHarness.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded()) { Extra = extra }, _clock);
        _b = await AlertRulesHarness.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded()) { Extra = extra }, _clock);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task Evaluators_OfTwoInstancesAtOnce_FireEachAlertOnce()
    {
        await _a.CreateRuleAsync(new { name = "any lost", events = new[] { "lost" }, forSeconds = 60, destinationIds = new[] { 1L } });
        var ids = Enumerable.Range(0, 20).Select(_ => Messages.NewId("ab")).ToList();
        foreach (var id in ids)
        {
            await _a.Api.WriteStateAsync(Messages.State(id, 1, 0));
            await _b.Api.WriteStatusAsync(id, Messages.Status(Presence.Lost, 1));
        }

        _clock.Advance(TimeSpan.FromMinutes(2));
        await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[] { _a.EvaluateAsync(), _b.EvaluateAsync() }));

        var alerts = await _b.AlertsAsync();
        Assert.Equal(ids.Order(StringComparer.Ordinal), alerts.Select(a => Assert.Single(a.DetectorIds)).Order(StringComparer.Ordinal));
        Assert.Equal(20, _a.Outbox.Notices.Count + _b.Outbox.Notices.Count);
    }
}
