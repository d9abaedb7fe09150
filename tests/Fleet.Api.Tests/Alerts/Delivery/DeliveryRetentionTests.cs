using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Alerts.Delivery;

/// <summary>
/// Alerts:Delivery:Retention: deliveries delivered longer ago go with their attempts, in batches; recent ones, pending
/// ones and dead letters (however old) stay.
/// </summary>
public sealed class DeliveryRetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Cleanup_DeletesDeliveredOlderThanRetentionWithTheirAttemptsInBatches_KeepsRecentPendingAndDead(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(Now);
        var options = new AlertDeliveryOptions { Retention = TimeSpan.FromDays(30), CleanupBatchSize = 2 };
        await using var harness = await DeliveryHarness.CreateAsync(provider, clock, new ScriptedSender(), options);
        var old = Now - TimeSpan.FromDays(31);
        var recent = Now - TimeSpan.FromDays(29);
        var rows = new List<DeliveryRecord>();
        for (var i = 0; i < 5; i++)
        {
            rows.Add(Row(DeliveryStatuses.Delivered, old.AddMinutes(i)));
        }

        rows.Add(Row(DeliveryStatuses.Delivered, recent));
        rows.Add(Row(DeliveryStatuses.Dead, old));
        rows.Add(Row(DeliveryStatuses.Pending, null, created: old));
        await harness.WithDbAsync(async db =>
        {
            db.AlertDeliveries.AddRange(rows);
            await db.SaveChangesAsync();
        });
        var cleanup = new DeliveryCleanupService(
            harness.Services.GetRequiredService<IServiceScopeFactory>(), clock, Options.Create(options), NullLogger<DeliveryCleanupService>.Instance);

        var deleted = await cleanup.RunOnceAsync(CancellationToken.None);
        var again = await cleanup.RunOnceAsync(CancellationToken.None);
        var left = await harness.DeliveriesAsync();
        var attempts = await harness.WithDbAsync(db => db.AlertDeliveryAttempts.AsNoTracking().Select(a => a.DeliveryId).ToListAsync());

        Assert.Equal((5, 0), (deleted, again));
        Assert.Equal(rows.Skip(5).Select(r => r.Id), left.Select(d => d.Id));
        Assert.Equal(rows.Skip(5).Select(r => r.Id).Order(), attempts.Order());
    }

    private static DeliveryRecord Row(string status, DateTimeOffset? finished, DateTimeOffset? created = null)
    {
        var notice = Notices.New();
        return new DeliveryRecord
        {
            DestinationId = 1,
            AlertId = notice.AlertId,
            NoticeId = notice.Id,
            Notice = "{}",
            Status = status,
            Attempts = 1,
            CreatedAt = created ?? finished!.Value,
            NextAttemptAt = created ?? finished!.Value,
            FinishedAt = finished,
            AttemptHistory = [new DeliveryAttemptRecord { At = created ?? finished!.Value, Outcome = "retry" }],
        };
    }
}
