using System.Net.Http.Json;
using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Alerts.Rules;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Alerts.Rules;

/// <summary>
/// Issue 15's rule "lost for 2 minutes, tag lab-a" and its neighbours, with the API in process on a fake clock, each
/// database in a subclass. Events come through the real paths: status messages over the embedded broker, the presence
/// sweep, the ingest writer.
/// </summary>
public abstract class AlertRulesTests : IAsyncLifetime
{
    private const string Tag = "lab-a";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));
    private FleetApiSettings _settings = null!;
    private AlertRulesHarness _h = null!;

    protected abstract Task<FleetApiSettings> CreateSettingsAsync();

    public async Task InitializeAsync()
    {
        // No sweeps of their own on the moved clock: the grouping test sweeps when it means to.
        _settings = (await CreateSettingsAsync()) with { Extra = new Dictionary<string, string?> { ["Presence:Enabled"] = "false" } };
        _h = await AlertRulesHarness.StartAsync(_settings, _clock);
    }

    public virtual async Task DisposeAsync() => await _h.DisposeAsync();

    private static object LostForTwoMinutes(params string[] tags) => new
    {
        name = "lab lost", events = new[] { "lost" }, tags, forSeconds = 120, groupBy = "tag", destinationIds = new[] { 1L, 2L },
    };

    [Fact]
    public async Task Rule_LostThirtySecondsThenBack_FiresNothing()
    {
        var id = Messages.NewId("al");
        await using var pi = await _h.OnlineTaggedAsync(id, Tag);
        await _h.CreateRuleAsync(LostForTwoMinutes(Tag));

        await _h.PublishAsync(pi, Messages.Status(Presence.Lost, 1));
        await _h.EvaluateAsync();
        _clock.Advance(TimeSpan.FromSeconds(30));
        await _h.PublishAsync(pi, Messages.Status(Presence.Online, 2));
        await _h.EvaluateAsync();
        _clock.Advance(TimeSpan.FromMinutes(3));
        await _h.EvaluateAsync();

        Assert.Empty(await _h.AlertsAsync());
        Assert.Empty(_h.Outbox.Notices);
    }

    [Fact]
    public async Task Rule_LostThreeMinutesThenBack_FiresOneAlertThenOneRecovery()
    {
        var id = Messages.NewId("al");
        await using var pi = await _h.OnlineTaggedAsync(id, Tag);
        var rule = await _h.CreateRuleAsync(LostForTwoMinutes(Tag));
        await _h.PublishAsync(pi, Messages.Status(Presence.Lost, 1));
        var lostAt = _clock.GetUtcNow();
        await _h.EvaluateAsync();
        Assert.Empty(await _h.AlertsAsync());

        _clock.Advance(TimeSpan.FromMinutes(3));
        await _h.EvaluateAsync();
        await _h.EvaluateAsync();

        var alert = Assert.Single(await _h.AlertsAsync());
        Assert.Equal(("firing", rule.Id, "lost", lostAt + TimeSpan.FromMinutes(2)), (alert.Status, alert.RuleId, alert.Event, alert.FiredAt));
        Assert.Equal([id], alert.DetectorIds);
        var (fired, destinations) = Assert.Single(_h.Outbox.Enqueued);
        Assert.Equal([1L, 2L], destinations);
        Assert.Equal(($"alert-{alert.Id}-fired", NoticeKinds.Fired), (fired.Id, fired.Kind));
        Assert.Equal($"1 detector at tag {Tag} lost", fired.Title);
        Assert.Contains(id, fired.Text, StringComparison.Ordinal);

        await _h.PublishAsync(pi, Messages.Status(Presence.Online, 2));
        await _h.EvaluateAsync();
        await _h.EvaluateAsync();

        alert = Assert.Single(await _h.AlertsAsync());
        Assert.Equal("recovered", alert.Status);
        Assert.Equal(2, _h.Outbox.Notices.Count);
        var recovered = _h.Outbox.Notices[1];
        Assert.Equal(($"alert-{alert.Id}-recovered", NoticeKinds.Recovered), (recovered.Id, recovered.Kind));
        Assert.Equal($"1 detector at tag {Tag} back (were lost)", recovered.Title);
    }

    [Fact]
    public async Task Rule_FiftyDetectorsOfOneTagLostTogether_FireOneGroupedAlert()
    {
        var ids = Enumerable.Range(0, 50).Select(_ => Messages.NewId("g")).ToList();
        var other = Messages.NewId("g");
        foreach (var id in ids.Append(other))
        {
            await _h.Api.WriteStateAsync(Messages.State(id, 1, 0));
            await _h.TagAsync(id, id == other ? "lab-b" : Tag);
        }

        await _h.CreateRuleAsync(new
        {
            name = "labs lost", events = new[] { "lost" }, tags = new[] { Tag, "lab-b" }, forSeconds = 120, groupWindowSeconds = 60,
            groupBy = "tag", destinationIds = new[] { 1L },
        });

        // Silent for more than three heartbeats: the presence sweep marks all 51 lost at once.
        _clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        Assert.Equal(51, (await _h.SweepAsync()).Count);
        _clock.Advance(TimeSpan.FromMinutes(2));
        await _h.EvaluateAsync();
        Assert.Empty(await _h.AlertsAsync());

        _clock.Advance(TimeSpan.FromSeconds(60));
        await _h.EvaluateAsync();

        var alerts = await _h.AlertsAsync();
        Assert.Equal(2, alerts.Count);
        var grouped = Assert.Single(alerts, a => a.Group == $"tag:{Tag}");
        Assert.Equal(ids.Order(StringComparer.Ordinal), grouped.DetectorIds);
        Assert.Equal([other], Assert.Single(alerts, a => a.Group == "tag:lab-b").DetectorIds);
        Assert.Equal(2, _h.Outbox.Notices.Count);
        Assert.Contains(_h.Outbox.Notices, n => n.Title == $"50 detectors at tag {Tag} lost" && n.DetectorIds.Count == 50);
    }

    [Fact]
    public async Task Silence_CoveringTheTag_SuppressesTheAlertAndItsRecovery()
    {
        var id = Messages.NewId("al");
        await using var pi = await _h.OnlineTaggedAsync(id, Tag);
        await _h.CreateRuleAsync(LostForTwoMinutes(Tag));
        using (var http = _h.Api.CreateAdmin())
        {
            var response = await http.PostAsJsonAsync("/alerts/silences", new { tags = new[] { Tag }, endsAt = _clock.GetUtcNow().AddHours(1), reason = "roof works" });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await _h.PublishAsync(pi, Messages.Status(Presence.Lost, 1));
        _clock.Advance(TimeSpan.FromMinutes(3));
        await _h.EvaluateAsync();
        await _h.PublishAsync(pi, Messages.Status(Presence.Online, 2));
        await _h.EvaluateAsync();

        var alert = Assert.Single(await _h.AlertsAsync());
        Assert.Equal("suppressed", alert.Status);
        Assert.NotNull(alert.SilenceId);
        Assert.NotNull(alert.RecoveredAt);
        Assert.Empty(_h.Outbox.Notices);
    }

    [Fact]
    public async Task FleetRule_AboveThreshold_FiresAfterItsDamping_AndRecoversBelowIt()
    {
        var ids = Enumerable.Range(0, 4).Select(_ => Messages.NewId("f")).ToList();
        foreach (var id in ids)
        {
            await _h.Api.WriteStateAsync(Messages.State(id, 1, 0));
            await _h.TagAsync(id, "site-x");
        }

        await _h.CreateRuleAsync(new
        {
            name = "site-x down", kind = "fleet", events = new[] { "lost" }, tags = new[] { "site-x" }, thresholdPercent = 50,
            forSeconds = 60, destinationIds = new[] { 3L },
        });
        foreach (var id in ids.Take(3))
        {
            await _h.Api.WriteStatusAsync(id, Messages.Status(Presence.Lost, 1));
        }

        await _h.EvaluateAsync();
        Assert.Empty(await _h.AlertsAsync());
        _clock.Advance(TimeSpan.FromSeconds(61));
        await _h.EvaluateAsync();

        var alert = Assert.Single(await _h.AlertsAsync());
        Assert.Equal(("firing", "fleet-lost", 3), (alert.Status, alert.Event, alert.DetectorIds.Count));
        Assert.Equal("75 % of the detectors at tag site-x lost", Assert.Single(_h.Outbox.Notices).Title);

        // 2 of 4 (50 %) is not above the threshold, nor below it: still firing.
        await _h.Api.WriteStatusAsync(ids[0], Messages.Status(Presence.Online, 2));
        await _h.EvaluateAsync();
        Assert.Equal("firing", Assert.Single(await _h.AlertsAsync()).Status);

        await _h.Api.WriteStatusAsync(ids[1], Messages.Status(Presence.Online, 2));
        await _h.EvaluateAsync();
        Assert.Equal("recovered", Assert.Single(await _h.AlertsAsync()).Status);
        Assert.Equal([NoticeKinds.Fired, NoticeKinds.Recovered], _h.Outbox.Notices.Select(n => n.Kind));
    }

    [Fact]
    public async Task Evaluator_RestartedAfterTheEventCommitted_EvaluatesItOnce()
    {
        var id = Messages.NewId("al");
        await _h.CreateRuleAsync(LostForTwoMinutes(Tag));
        await using (var pi = await _h.OnlineTaggedAsync(id, Tag))
        {
            await _h.PublishAsync(pi, Messages.Status(Presence.Lost, 1));
        }

        // Gone before evaluating the lost event: the next instance finds it after the durable cursor.
        await _h.DisposeAsync();
        _h = await AlertRulesHarness.StartAsync(_settings, _clock);
        _clock.Advance(TimeSpan.FromMinutes(3));
        await _h.EvaluateAsync();
        Assert.Single(await _h.AlertsAsync());
        Assert.Single(_h.Outbox.Notices);

        await _h.DisposeAsync();
        _h = await AlertRulesHarness.StartAsync(_settings, _clock);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await _h.EvaluateAsync();
        Assert.Single(await _h.AlertsAsync());
        Assert.Empty(_h.Outbox.Notices);
    }

    [Fact]
    public async Task Evaluator_LostAndBackReadInOnePass_FiresWhatWasDueThenRecovers()
    {
        var id = Messages.NewId("al");
        await using var pi = await _h.OnlineTaggedAsync(id, Tag);
        await _h.CreateRuleAsync(LostForTwoMinutes(Tag));

        await _h.PublishAsync(pi, Messages.Status(Presence.Lost, 1));
        _clock.Advance(TimeSpan.FromMinutes(3));
        await _h.PublishAsync(pi, Messages.Status(Presence.Online, 2));
        await _h.EvaluateAsync();

        Assert.Equal("recovered", Assert.Single(await _h.AlertsAsync()).Status);
        Assert.Equal([NoticeKinds.Fired, NoticeKinds.Recovered], _h.Outbox.Notices.Select(n => n.Kind));
    }

    [Fact]
    public async Task Evaluator_OnItsTimer_FiresWhatIsDue()
    {
        var id = Messages.NewId("al");
        await using var pi = await _h.OnlineTaggedAsync(id, Tag);
        await _h.CreateRuleAsync(LostForTwoMinutes(Tag));
        await _h.PublishAsync(pi, Messages.Status(Presence.Lost, 1));

        _clock.Advance(TimeSpan.FromMinutes(3));

        await Eventually.TrueAsync(async () => (await _h.AlertsAsync()).Count == 1, "the timer's pass fired the alert");
        Assert.Single(_h.Outbox.Notices);
    }
}
