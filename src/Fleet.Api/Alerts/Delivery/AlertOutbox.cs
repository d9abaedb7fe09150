using System.Text.Json;
using Fleet.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// <see cref="IAlertOutbox"/>: one pending row per destination in the caller's unit of work, due now; the worker is
/// woken when it commits.
/// </summary>
internal sealed class AlertOutbox(TimeProvider clock, DeliverySignal signal) : IAlertOutbox
{
    public void Enqueue(FleetDbContext db, AlertNotice notice, IReadOnlyCollection<long> destinationIds)
    {
        var now = clock.GetUtcNow();
        var json = JsonSerializer.Serialize(notice, DeliveryJsonContext.Default.AlertNotice);
        foreach (var destinationId in destinationIds.Distinct())
        {
            db.AlertDeliveries.Add(new DeliveryRecord
            {
                DestinationId = destinationId,
                AlertId = notice.AlertId,
                NoticeId = notice.Id,
                Notice = json,
                Status = DeliveryStatuses.Pending,
                CreatedAt = now,
                NextAttemptAt = now,
            });
        }

        signal.Mark(db);
    }

    public async Task<IReadOnlyList<long>> MissingDestinationsAsync(FleetDbContext db, IReadOnlyCollection<long> destinationIds, CancellationToken cancellationToken)
    {
        var wanted = destinationIds.Distinct().ToList();
        var found = await db.AlertDestinations.AsNoTracking().Where(d => wanted.Contains(d.Id)).Select(d => d.Id).ToListAsync(cancellationToken);
        return [.. wanted.Except(found)];
    }
}
