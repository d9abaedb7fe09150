using Fleet.Api.Alerts.Delivery;
using Fleet.Domain.Messages;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Alerts;

/// <summary>
/// Issue 15's rule "lost for 2 minutes, tag lab-a" as a new user meets it: the API as a process on Mosquitto and
/// PostgreSQL, destinations created over REST, a real webhook receiver verifying every signature with the npm
/// standardwebhooks library, a real SMTP server, detectors speaking MQTT. Damping is 4 s instead of 2 minutes with the
/// same ratios (<see cref="AlertSettings"/>); the literal minutes are AlertRulesTests' (in process, fake clock). Each
/// scenario has its own rule and tag on the class's one API, so they cannot see each other's alerts.
/// </summary>
[Trait("Suite", "Long")]
public sealed class AlertRuleScenarioTests(AlertScenarioFixture fixture, ITestOutputHelper output) : IClassFixture<AlertScenarioFixture>
{
    private readonly AlertScenarioStack _s = fixture.Stack;

    [Fact]
    public async Task LabARule_OneLostBrieflyOneLostPastTheDamping_OnlyTheSecondAlertsOnceThenRecoversOnce()
    {
        var ct = CancellationToken.None;
        var ids = _s.Detectors.Take(2);
        var (brief, long_) = (ids[0], ids[1]);
        await _s.Detectors.OnlineAsync(_s.Alerts, ids, "lab-a", ct);
        var rule = await _s.Alerts.CreateRuleAsync(AlertSettings.LostRule("lab-a lost", "lab-a", _s.Outlets), ct);

        await _s.Detectors.LostAsync(ids, ct);
        await AlertDetectors.WaitStatusAsync(_s.Alerts, ids, Presence.Lost, ct);

        // A quarter of the damping, as 30 s is of 2 minutes: the brief one is back long before it is due.
        await Task.Delay(TimeSpan.FromSeconds(AlertSettings.DampingSeconds / 4.0), ct);
        await _s.Detectors.BackAsync([brief], ct);
        await AlertDetectors.WaitStatusAsync(_s.Alerts, [brief], Presence.Online, ct);

        var fired = Assert.Single(await _s.WaitAlertsAsync(rule.Id, a => a.Count > 0, "the rule fired", ct));
        Assert.Equal([long_], fired.DetectorIds);
        Assert.Equal("firing", fired.Status);

        // Back after 1.5 x the damping at the earliest (3 minutes for 2): one recovery.
        await _s.Detectors.BackAsync([long_], ct);
        var recovered = Assert.Single(await _s.WaitAlertsAsync(rule.Id, a => a.Any(x => x.Status == "recovered"), "the alert recovered", ct));
        Assert.Equal(fired.Id, recovered.Id);

        // Two notices (fired, recovered) to two destinations.
        var deliveries = await _s.WaitDeliveredAsync(fired.Id, 4, ct);
        var webhooks = await _s.Outlets.WebhooksAsync(fired.Id, ct);
        var mails = await _s.Outlets.MailsAsync(fired.Id, ct);
        output.WriteLine($"[observed] alert {fired.Id} ({fired.Title}) fired {fired.FiredAt:HH:mm:ss.fff}, recovered {recovered.RecoveredAt:HH:mm:ss.fff}; webhooks {string.Join(", ", webhooks.Select(w => $"{w.Id} verified={w.Verified}"))}; mails {string.Join(", ", mails)}");
        Assert.All(webhooks, w => Assert.True(w.Verified, $"{w.Id}: {w.Error}"));
        Assert.Equal([$"alert-{fired.Id}-fired", $"alert-{fired.Id}-recovered"], webhooks.Select(w => w.Id).Distinct().Order());
        Assert.Equal([$"alert-{fired.Id}-fired", $"alert-{fired.Id}-recovered"], mails.Distinct().Order());
        Assert.Single(await _s.Alerts.AlertsAsync(rule.Id, ct));

        // Who was told what, when: per delivery, its notice, its destination and every attempt.
        foreach (var delivery in deliveries)
        {
            var detail = await _s.Alerts.DeliveryAsync(delivery.Id, ct);
            Assert.Contains(detail.Delivery.DestinationId, new[] { _s.Outlets.WebhookId, _s.Outlets.EmailId });
            Assert.Equal(delivery.NoticeId, detail.Notice?.Id);
            Assert.NotNull(detail.Delivery.FinishedAt);
            var last = detail.AttemptHistory[^1];
            Assert.Equal(("delivered", delivery.Attempts), (last.Outcome, detail.AttemptHistory.Count));
            Assert.InRange(last.At, fired.FiredAt, detail.Delivery.FinishedAt!.Value);
        }
    }

    [Fact]
    public async Task LabARule_FiftyDetectorsLostTogether_OneGroupedAlertOneWebhookOneMail()
    {
        var ct = CancellationToken.None;
        const string Tag = "lab-a-roof";
        var ids = _s.Detectors.Take(50);
        await _s.Detectors.OnlineAsync(_s.Alerts, ids, Tag, ct);
        var rule = await _s.Alerts.CreateRuleAsync(AlertSettings.LostRule("lab-a roof lost", Tag, _s.Outlets, groupBy: "tag", groupWindowSeconds: AlertSettings.DampingSeconds / 2), ct);

        // The site's cell drops: every will at once.
        await _s.Detectors.LostAsync(ids, ct);

        var alert = Assert.Single(await _s.WaitAlertsAsync(rule.Id, a => a.Count > 0, "the rule fired", ct));
        await _s.WaitDeliveredAsync(alert.Id, 2, ct);
        var webhooks = await _s.Outlets.WebhooksAsync(alert.Id, ct);
        var mails = await _s.Outlets.MailsAsync(alert.Id, ct);
        output.WriteLine($"[observed] {alert.Title}: {alert.DetectorIds.Count} detectors in alert {alert.Id}; {webhooks.Count} webhook(s), {mails.Count} mail(s)");

        Assert.Equal(ids.Order(StringComparer.Ordinal), alert.DetectorIds.Order(StringComparer.Ordinal));
        Assert.Equal($"tag:{Tag}", alert.Group);
        Assert.Equal([$"alert-{alert.Id}-fired"], webhooks.Select(w => w.Id).Distinct());
        Assert.All(webhooks, w => Assert.True(w.Verified, w.Error));
        Assert.Contains("50 detectors", webhooks[0].Body, StringComparison.Ordinal);
        Assert.Equal([$"alert-{alert.Id}-fired"], mails.Distinct());
        Assert.Single(await _s.Alerts.AlertsAsync(rule.Id, ct));
    }

    [Fact]
    public async Task LabARule_UnderAnActiveSilence_AlertRecordedAsSuppressedAndNothingSent()
    {
        var ct = CancellationToken.None;
        const string Tag = "lab-a-maintenance";
        var ids = _s.Detectors.Take(1);
        await _s.Detectors.OnlineAsync(_s.Alerts, ids, Tag, ct);
        var rule = await _s.Alerts.CreateRuleAsync(AlertSettings.LostRule("lab-a maintenance lost", Tag, _s.Outlets), ct);
        var silence = await _s.Alerts.CreateSilenceAsync(new { tags = new[] { Tag }, endsAt = DateTimeOffset.UtcNow.AddHours(1), reason = "roof works" }, ct);

        await _s.Detectors.LostAsync(ids, ct);
        var alert = Assert.Single(await _s.WaitAlertsAsync(rule.Id, a => a.Count > 0, "the rule's alert recorded", ct));
        await _s.Detectors.BackAsync(ids, ct);
        await AlertDetectors.WaitStatusAsync(_s.Alerts, ids, Presence.Online, ct);

        Assert.Equal("suppressed", alert.Status);
        Assert.Equal(silence["id"]!.GetValue<long>(), alert.SilenceId);
        Assert.Empty(await _s.Alerts.DeliveriesAsync(alert.Id, ct));
        Assert.Empty(await _s.Outlets.WebhooksAsync(alert.Id, ct));
        Assert.Empty(await _s.Outlets.MailsAsync(alert.Id, ct));
        Assert.DoesNotContain(await _s.Alerts.DeliveriesAsync(DeliveryStatuses.Pending, ct), d => d.AlertId == alert.Id);
    }
}
