using System.Net;
using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Alerts.Rules;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Alerts.Rules;

/// <summary>
/// A decommissioned detector (DELETE /detectors/{id}) will never be back: its firing alert closes as resolved with one
/// "resolved" notice, a pending one never fires, nothing recovers when the id is provisioned again; and a rule can
/// watch decommissions by tag although the detector's row is gone when the rule is evaluated.
/// </summary>
public sealed class DecommissionAlertTests : IAsyncLifetime
{
    private const string Tag = "lab-d";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));
    private AlertRulesHarness _h = null!;

    public async Task InitializeAsync()
    {
        var database = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("alertsdecom");
        var settings = new FleetApiSettings(database, BrokerSettings.ForEmbedded()) { Extra = new Dictionary<string, string?> { ["Presence:Enabled"] = "false" } };
        _h = await AlertRulesHarness.StartAsync(settings, _clock);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static object LostForTwoMinutes() => new { name = "lost", events = new[] { "lost" }, tags = new[] { Tag }, forSeconds = 120, destinationIds = new[] { 1L } };

    [Fact]
    public async Task Decommission_OfAFiringDetector_ResolvesItsAlertOnce_AndItNeverRecoversWhenProvisionedAgain()
    {
        var id = Messages.NewId("dc");
        await using (var pi = await _h.OnlineTaggedAsync(id, Tag))
        {
            await _h.CreateRuleAsync(LostForTwoMinutes());
            await _h.PublishAsync(pi, Messages.Status(Presence.Lost, 1));
            await _h.EvaluateAsync();
            _clock.Advance(TimeSpan.FromMinutes(3));
            await _h.EvaluateAsync();
            Assert.Equal("firing", Assert.Single(await _h.AlertsAsync()).Status);
        }

        await DecommissionAsync(id);
        await _h.EvaluateAsync();
        var resolved = Assert.Single(await _h.AlertsAsync());

        // The same id provisioned again, with its tag, and online: no state is left to say "recovered".
        await _h.Api.WriteStateAsync(Messages.State(id, 1, 0));
        await _h.TagAsync(id, Tag);
        await _h.Api.WriteStatusAsync(id, Messages.Status(Presence.Online, 2));
        await _h.EvaluateAsync();
        _clock.Advance(TimeSpan.FromMinutes(3));
        await _h.EvaluateAsync();

        Assert.Equal(("resolved", AlertResolutions.Decommissioned), (resolved.Status, resolved.ResolvedBy));
        Assert.NotNull(resolved.RecoveredAt);
        Assert.Equal([NoticeKinds.Fired, NoticeKinds.Resolved], _h.Outbox.Notices.Select(n => n.Kind));
        var notice = _h.Outbox.Notices[1];
        Assert.Equal($"alert-{resolved.Id}-resolved", notice.Id);
        Assert.Equal($"Detector {id} decommissioned (was lost): alert closed", notice.Title);
        Assert.Equal("resolved", Assert.Single(await _h.AlertsAsync()).Status);
    }

    [Fact]
    public async Task Decommission_WhileLostWithinTheDampingTime_NeverFires()
    {
        var id = Messages.NewId("dp");
        await using (var pi = await _h.OnlineTaggedAsync(id, Tag))
        {
            await _h.CreateRuleAsync(LostForTwoMinutes());
            await _h.PublishAsync(pi, Messages.Status(Presence.Lost, 1));
            await _h.EvaluateAsync();
        }

        _clock.Advance(TimeSpan.FromSeconds(30));
        await DecommissionAsync(id);
        await _h.EvaluateAsync();
        _clock.Advance(TimeSpan.FromMinutes(5));
        await _h.EvaluateAsync();

        Assert.Empty(await _h.AlertsAsync());
        Assert.Empty(_h.Outbox.Notices);
    }

    [Fact]
    public async Task Rule_WatchingDecommissionsOfATag_FiresForADecommissionedDetectorOfThatTag()
    {
        var id = Messages.NewId("dw");
        var other = Messages.NewId("dw");
        await _h.Api.WriteStateAsync(Messages.State(id, 1, 0));
        await _h.Api.WriteStateAsync(Messages.State(other, 1, 0));
        await _h.TagAsync(id, Tag);
        await _h.TagAsync(other, "elsewhere");
        await _h.CreateRuleAsync(new { name = "retired", events = new[] { "decommissioned" }, tags = new[] { Tag }, destinationIds = new[] { 1L } });

        await DecommissionAsync(id);
        await DecommissionAsync(other);
        await _h.EvaluateAsync();

        var alert = Assert.Single(await _h.AlertsAsync());
        Assert.Equal((EventTypes.Decommissioned, "fired"), (alert.Event, alert.Status));
        Assert.Equal([id], alert.DetectorIds);
        Assert.Equal($"Detector {id} decommissioned", Assert.Single(_h.Outbox.Notices).Title);
    }

    private async Task DecommissionAsync(string id)
    {
        using var admin = _h.Api.CreateAdmin();
        using var response = await admin.DeleteAsync($"/detectors/{id}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
