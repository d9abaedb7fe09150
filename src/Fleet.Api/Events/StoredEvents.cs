using Fleet.Api.Data;
using Fleet.Api.Detectors;
using Fleet.Api.History;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Events;

/// <summary>
/// Reads the history table as the live stream's source: events after an id, in id order (the order History/EventLog
/// guarantees to be the commit order), each with its detector's current view, read for the whole batch in one
/// statement through the detectors' read path. Scoped (one DbContext).
/// </summary>
internal sealed class StoredEvents(FleetDbContext db, ISqlDialect dialect, DetectorTotals totals, IOptions<DatabaseOptions> options)
{
    /// <summary>At most <paramref name="limit"/> events with an id above <paramref name="after"/>, oldest first.</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadAfterAsync(long after, int limit, CancellationToken ct)
    {
        var rows = await db.Events.AsNoTracking().Where(e => e.Id > after).OrderBy(e => e.Id).Take(limit).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return [];
        }

        var reader = new DetectorReader(db, dialect, totals, options);
        var views = (await reader.FindManyAsync([.. rows.Select(r => r.DetectorId).Distinct(StringComparer.Ordinal)], ct))
            .ToDictionary(d => d.Id, d => d.ToView(), StringComparer.Ordinal);
        return [.. rows.Select(r => new StoredEvent(r.Id, HistoryEndpoints.ToEvent(r), views.GetValueOrDefault(r.DetectorId)))];
    }

    /// <summary>Whether the event with this id is still stored (History:Retention removes the oldest).</summary>
    public Task<bool> ExistsAsync(long id, CancellationToken ct) => db.Events.AnyAsync(e => e.Id == id, ct);

    /// <summary>The newest event's id, or 0 when there is none.</summary>
    public async Task<long> NewestIdAsync(CancellationToken ct) => await db.Events.MaxAsync(e => (long?)e.Id, ct) ?? 0;
}

/// <summary>A stored event with its id and its detector's view (null when the detector is gone).</summary>
internal sealed record StoredEvent(long Id, FleetEvent Event, DetectorView? View);
