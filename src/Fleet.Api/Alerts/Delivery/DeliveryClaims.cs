using System.Globalization;
using Fleet.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// The outbox's claim: due pending rows nobody holds a live lease on, taken by one instance for LeaseTimeout. On
/// PostgreSQL the rows are picked with FOR UPDATE SKIP LOCKED, so instances claiming at once take different rows
/// instead of queueing behind each other; SQLite has one writer, which serializes claims anyway.
/// </summary>
internal static class DeliveryClaims
{
    // The outer WHERE repeats the claimability test: a row another claim updated between this one's pick and its
    // update is checked again as it now is (PostgreSQL re-evaluates the target's own conditions on the new row
    // version, not the subquery's), so it is never claimed twice even where rows are not skipped.
    public static async Task<List<long>> ClaimAsync(
        FleetDbContext db, ISqlDialect dialect, string owner, DateTimeOffset now, TimeSpan lease, int limit,
        IReadOnlyCollection<long> excludedDestinations, CancellationToken ct)
    {
        // The excluded ids are numbers formatted here, not text from outside: safe to inline, and SQLite has no arrays.
        var excluded = excludedDestinations.Count == 0
            ? string.Empty
            : $" AND destination_id NOT IN ({string.Join(',', excludedDestinations.Select(id => id.ToString(CultureInfo.InvariantCulture)))})";
        var sql = $"""
            UPDATE {DeliveryModel.DeliveriesTable} SET lease_owner = @owner, lease_until = @lease_until
            WHERE status = '{DeliveryStatuses.Pending}' AND (lease_until IS NULL OR lease_until <= @now) AND id IN (
                SELECT id FROM {DeliveryModel.DeliveriesTable}
                WHERE status = '{DeliveryStatuses.Pending}' AND next_attempt_at <= @now
                  AND (lease_until IS NULL OR lease_until <= @now){excluded}
                ORDER BY next_attempt_at, id
                LIMIT @limit{dialect.ForUpdateSkipLocked})
            RETURNING id AS "Value"
            """;
        return await db.Database.SqlQueryRaw<long>(
            sql,
            dialect.Text("owner", owner),
            dialect.Timestamp("lease_until", now + lease),
            dialect.Timestamp("now", now),
            dialect.Number("limit", limit))
            .ToListAsync(ct);
    }

    /// <summary>Gives claimed rows back untouched (no attempt made), for the next claim of any instance.</summary>
    public static Task<int> ReleaseAsync(FleetDbContext db, string owner, IReadOnlyCollection<long> ids, CancellationToken ct) =>
        db.AlertDeliveries
            .Where(d => ids.Contains(d.Id) && d.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseOwner, (string?)null).SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null), ct);

    /// <summary>After a circuit closes: the destination's waiting deliveries are due now rather than at their backoff.</summary>
    public static Task<int> HurryAsync(FleetDbContext db, long destinationId, DateTimeOffset now, CancellationToken ct) =>
        db.AlertDeliveries
            .Where(d => d.DestinationId == destinationId && d.Status == DeliveryStatuses.Pending && d.NextAttemptAt > now && d.LeaseOwner == null)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, now), ct);
}
