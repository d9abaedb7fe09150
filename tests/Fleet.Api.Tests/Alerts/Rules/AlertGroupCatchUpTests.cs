using Fleet.Domain.Messages;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Alerts.Rules;

/// <summary>
/// A group whose members went lost further apart than its window fires as several alerts; when they are all due, one
/// evaluation pass fires all of them. Found by the alert storm benchmark: a pass fired one window per group, so the
/// members of a storm spread over more than the window waited a pass (2 s) per window, and with the default window (0)
/// one pass per distinct event time: minutes for a site of a thousand detectors.
/// </summary>
public sealed class AlertGroupCatchUpTests : IAsyncLifetime
{
    private const string Tag = "site-7";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));
    private AlertRulesHarness _h = null!;

    public async Task InitializeAsync()
    {
        var settings = new FleetApiSettings(await (await PostgresServer.GetAsync()).CreateDatabaseAsync("alertcatchup"), BrokerSettings.ForEmbedded())
        {
            // The test's own passes only: the background evaluator would add passes whenever the clock moves.
            Extra = new Dictionary<string, string?> { ["Presence:Enabled"] = "false", ["Alerts:Rules:Enabled"] = "false" },
        };
        _h = await AlertRulesHarness.StartAsync(settings, _clock);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task FireDue_ThreeWindowsOfOneGroupDue_FiresEveryWindowInOnePass()
    {
        var ids = Enumerable.Range(0, 3).Select(_ => Messages.NewId("cu")).ToList();
        var pis = new List<MqttTestClient>();
        foreach (var id in ids)
        {
            pis.Add(await _h.OnlineTaggedAsync(id, Tag));
        }

        await _h.CreateRuleAsync(new
        {
            name = "site lost", events = new[] { "lost" }, tags = new[] { Tag }, forSeconds = 60, groupWindowSeconds = 5,
            groupBy = "tag", destinationIds = new[] { 1L },
        });

        // Lost 10 s apart: three windows of 5 s, so three alerts.
        var lostAt = new List<DateTimeOffset>();
        foreach (var pi in pis)
        {
            await _h.PublishAsync(pi, Messages.Status(Presence.Lost, 1));
            lostAt.Add(_clock.GetUtcNow());
            await _h.EvaluateAsync();
            _clock.Advance(TimeSpan.FromSeconds(10));
        }

        // Every window is due: one pass fires them all, each at its own window's end.
        _clock.Advance(TimeSpan.FromMinutes(2));
        await _h.EvaluateAsync();

        var alerts = (await _h.AlertsAsync()).OrderBy(a => a.FiredAt).ToList();
        Assert.Equal(ids, alerts.SelectMany(a => a.DetectorIds));
        Assert.Equal(lostAt.Select(t => t + TimeSpan.FromSeconds(65)), alerts.Select(a => a.FiredAt));
        Assert.Equal(3, _h.Outbox.Notices.Count);
        foreach (var pi in pis)
        {
            await pi.DisposeAsync();
        }
    }
}
