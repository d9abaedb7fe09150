using Fleet.Api.Data;
using Fleet.Api.History;
using Fleet.Api.Logging;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

using Fleet.Api.Registry;
namespace Fleet.Api.Ingest;

/// <summary>
/// Writes the history of coalesced tunnel changes (<see cref="ChangeBudget"/>): once per refill interval, each
/// detector with changes held back and a token again gets one set of events from the tunnels the history last
/// described to the tunnels it has now, each with <c>"coalesced": N</c> (the changes they stand for), in the history
/// and to the registry and live streams. So the history answers "URL at time T" to within one refill interval, and
/// the last URL of a burst reaches it even if the detector goes quiet right after. In memory, per API instance: each
/// instance coalesces what it ingests; changes held back when an instance stops stay only in the detector's row.
/// </summary>
internal sealed partial class ChangeFlusher(
    ChangeBudget budget,
    IServiceScopeFactory scopes,
    IEventSink sink,
    IDetectorChanges registry,
    TimeProvider clock,
    IOptions<IngestOptions> options,
    ILogger<ChangeFlusher> logger) : BackgroundService
{
    private readonly Dictionary<string, ThrottledWarning> _warnings = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!budget.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(budget.RefillInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFlushFailed(ex.GetType().Name, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Changes still held back are in the detectors' rows; only their history entry is not written.
        }
    }

    /// <summary>Writes what is due now; returns the number of events written.</summary>
    internal async Task<int> FlushAsync(CancellationToken ct)
    {
        var due = budget.TakeDue();
        if (due.Count == 0)
        {
            return 0;
        }

        var now = clock.GetUtcNow();
        var written = new List<(string DetectorId, List<FleetEvent> Events)>();
        await budget.WriteGate.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
            var dialect = scope.ServiceProvider.GetRequiredService<ISqlDialect>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var ids = due.Select(d => d.DetectorId).ToList();
            var known = await db.Detectors.AsNoTracking().Where(d => ids.Contains(d.Id)).Select(d => d.Id).ToListAsync(ct);
            var rows = await db.Tunnels.AsNoTracking().Where(t => ids.Contains(t.DetectorId)).ToListAsync(ct);
            foreach (var (id, held) in due.Where(d => known.Contains(d.DetectorId)))
            {
                var events = new List<FleetEvent>();
                var current = rows.Where(t => t.DetectorId == id).OrderBy(t => t.Name, StringComparer.Ordinal).Select(TunnelChanges.ToReport).ToList();
                new TunnelChanges(held.Before).Apply(id, current, now, events);
                foreach (var fleetEvent in events)
                {
                    fleetEvent.Data!["coalesced"] = held.Count;
                }

                written.Add((id, events));
            }

            await EventLog.AppendAsync(db, dialect, [.. written.SelectMany(w => w.Events)], ct);
            await transaction.CommitAsync(ct);
        }
        catch
        {
            // Nothing was written: the next tick tries again from the same starting point.
            foreach (var (id, held) in due)
            {
                budget.Restore(id, held);
            }

            throw;
        }
        finally
        {
            budget.WriteGate.Release();
        }

        await registry.ChangedAsync([.. written.Select(w => w.DetectorId)], ct);
        foreach (var (id, events) in written)
        {
            Report(id, due.First(d => d.DetectorId == id).Held);

            // An empty list still refreshes the registry view (within Monitoring:HeartbeatRefresh): it may show an
            // intermediate URL from the burst.
            await sink.PublishAsync(id, events, ct);
        }

        return written.Sum(w => w.Events.Count);
    }

    // At most one line per detector and Ingest:RejectionLogInterval, with every change held back since the last one.
    private void Report(string detectorId, HeldChanges held)
    {
        var interval = options.Value.RejectionLogInterval;
        if (!_warnings.TryGetValue(detectorId, out var warning))
        {
            warning = new ThrottledWarning(clock, interval);
            _warnings[detectorId] = warning;
        }

        if (!warning.TryReport(out var coalesced, held.Count))
        {
            return;
        }

        LogCoalesced(detectorId, coalesced, options.Value.ChangesPerDetectorPerMinute, options.Value.ChangeBurst);

        // Forget detectors not heard of for a while, so the table follows the ones misbehaving now.
        foreach (var stale in _warnings.Where(e => e.Value.IsIdleFor(interval * 10)).Select(e => e.Key).ToList())
        {
            _warnings.Remove(stale);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Detector {DetectorId} changed its tunnels faster than Ingest:ChangesPerDetectorPerMinute ({PerMinute}, burst {Burst}) allows: {Coalesced} change(s) were coalesced in its history (its current state is kept)")]
    private partial void LogCoalesced(string detectorId, long coalesced, int perMinute, int burst);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing coalesced tunnel changes to the history failed, retrying at the next tick: {Error}: {Message}")]
    private partial void LogFlushFailed(string error, string message);
}
