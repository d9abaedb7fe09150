using System.Net;
using System.Net.Http.Json;
using Fleet.Api.Alerts.Rules;
using Fleet.Api.Tests.Alerts.Delivery;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Tests.Alerts.Rules;

/// <summary>
/// Two API instances on one PostgreSQL database, both evaluating on their own timers (every 100 ms, the real
/// evaluator and the real outbox, delivery off so the rows stay): a burst of lost events written through both
/// gives exactly one alert and one outbox row per event, whichever instance evaluated it.
/// </summary>
public sealed class AlertEvaluatorBurstTests : IAsyncLifetime
{
    private const int Detectors = 40;

    private FleetApiFactory _a = null!;
    private FleetApiFactory _b = null!;

    public async Task InitializeAsync()
    {
        var database = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("alertburst");
        var extra = new Dictionary<string, string?>
        {
            ["Presence:Enabled"] = "false",
            ["Alerts:Rules:EvaluateInterval"] = "00:00:00.100",
            ["Alerts:Delivery:Enabled"] = "false",
        };
        _a = await FleetApiFactory.StartAsync(new FleetApiSettings(database, BrokerSettings.ForEmbedded()) { Extra = extra });
        _b = await FleetApiFactory.StartAsync(new FleetApiSettings(database, BrokerSettings.ForEmbedded()) { Extra = extra });
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task TwoInstancesEvaluating_ABurstOfLostEvents_OneAlertAndOneOutboxRowPerEvent()
    {
        using var admin = _a.CreateAdmin();
        var destination = await DestinationApi.CreateWebhookAsync(admin, "burst");
        using (var created = await admin.PostAsJsonAsync("/alerts/rules", new { name = "burst", events = new[] { "lost" }, forSeconds = 0, destinationIds = new[] { destination } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var ids = Enumerable.Range(0, Detectors).Select(_ => Messages.NewId("burst")).ToList();
        foreach (var id in ids)
        {
            await _a.WriteStateAsync(Messages.State(id, 1, 0));
        }

        // The burst: every lost event at once, half through each instance.
        await Task.WhenAll(ids.Select((id, i) => (i % 2 == 0 ? _a : _b).WriteStatusAsync(id, Messages.Status(Presence.Lost, 1))));
        var lastLost = await _a.WithDbAsync(db => db.Events.Where(e => e.Type == EventTypes.Lost && ids.Contains(e.DetectorId)).MaxAsync(e => e.Id));
        await Eventually.TrueAsync(
            () => _a.WithDbAsync(async db => await db.Set<AlertCursorRecord>().AnyAsync(c => c.LastEventId >= lastLost)
                && await db.Set<AlertRecord>().CountAsync() >= Detectors),
            "the evaluators passed the burst and fired");

        var alerts = await _a.WithDbAsync(db => db.Set<AlertRecord>().AsNoTracking().ToListAsync());
        var deliveries = await _a.WithDbAsync(db => db.AlertDeliveries.AsNoTracking().ToListAsync());
        var lostEvents = await _a.WithDbAsync(db => db.Events.CountAsync(e => e.Type == EventTypes.Lost && ids.Contains(e.DetectorId)));

        Assert.Equal(Detectors, lostEvents);
        Assert.Equal(ids.Order(StringComparer.Ordinal), alerts.Select(a => Assert.Single(a.DetectorIds)).Order(StringComparer.Ordinal));
        Assert.Equal(Detectors, deliveries.Count);
        Assert.Equal(alerts.Select(a => $"alert-{a.Id}-fired").Order(StringComparer.Ordinal), deliveries.Select(d => d.NoticeId).Order(StringComparer.Ordinal));
        Assert.All(deliveries, d => Assert.Equal(destination, d.DestinationId));
    }
}
