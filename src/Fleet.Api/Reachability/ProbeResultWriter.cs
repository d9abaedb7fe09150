using Fleet.Api.Data;
using Fleet.Api.History;
using Fleet.Api.Ingest;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

using Fleet.Api.Registry;
namespace Fleet.Api.Reachability;

/// <summary>
/// Stores the API probe's results: one transaction per batch that locks the detectors concerned (in id order, like
/// the ingest, so the two wait for each other instead of deadlocking), drops results for a URL the tunnel no longer
/// has, writes a tunnel's probe columns only when the outcome, code or HTTP status changed, and keeps the detector's
/// summary (and its event) by the same code as the ingest (<see cref="ReachabilityRecords"/>). A batch that fails is
/// logged and dropped: the prober's next round probes again.
/// </summary>
internal sealed partial class ProbeResultWriter(
    IServiceScopeFactory scopes,
    IEventSink sink,
    IDetectorChanges registry,
    TimeProvider clock,
    ILogger<ProbeResultWriter> logger) : IProbeResultSink
{
    public async ValueTask WriteAsync(IReadOnlyList<ProbeResult> results, CancellationToken cancellationToken)
    {
        if (results.Count == 0)
        {
            return;
        }

        Dictionary<string, List<FleetEvent>> changed;
        try
        {
            changed = await ApplyAsync(results, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogBatchDropped(results.Count, DatabaseFailures.Classify(ex), ex.GetType().Name, ex.Message);
            return;
        }

        // After the commit, like the ingest: the registry view (the tunnels' probe) and the events, if any.
        await registry.ChangedAsync(changed.Keys, cancellationToken);
        foreach (var (id, events) in changed)
        {
            await sink.PublishAsync(id, events, cancellationToken);
        }
    }

    /// <summary>Applies a batch in one transaction; returns the detectors whose rows changed, with their events.</summary>
    internal async Task<Dictionary<string, List<FleetEvent>>> ApplyAsync(IReadOnlyList<ProbeResult> results, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        var dialect = scope.ServiceProvider.GetRequiredService<ISqlDialect>();
        var now = clock.GetUtcNow();
        List<string> ids = [.. results.Select(r => r.DetectorId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

        // Most rounds change nothing: an unlocked look first, so an unchanged batch takes no lock the ingest would wait
        // for. A batch with a change is decided again below, under the lock.
        var seen = (await db.Tunnels.AsNoTracking().Where(t => ids.Contains(t.DetectorId)).ToListAsync(ct)).ToDictionary(t => (t.DetectorId, t.Name));
        if (!results.Any(r => seen.TryGetValue((r.DetectorId, r.Tunnel), out var t) && t.Url == r.Url
            && !ReachabilityRecords.SameResult(t.ProbeOutcome, t.ProbeCode, t.ProbeHttpStatus, r.Check)))
        {
            return [];
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var sql = new IngestCommands(db.Database.GetDbConnection(), transaction.GetDbTransaction(), dialect, db.Database.GetCommandTimeout());
        var stored = await sql.ReadStoredAsync(ids, ct);
        var rows = await db.Tunnels.Where(t => ids.Contains(t.DetectorId)).ToListAsync(ct);
        var byName = rows.ToDictionary(t => (t.DetectorId, t.Name));

        var changed = new Dictionary<string, List<FleetEvent>>(StringComparer.Ordinal);
        var stale = 0;
        foreach (var result in results)
        {
            if (!byName.TryGetValue((result.DetectorId, result.Tunnel), out var row) || row.Url != result.Url)
            {
                // The probe was of a URL the detector no longer has (or of a tunnel it dropped) while it ran.
                stale++;
                continue;
            }

            if (ReachabilityRecords.SameResult(row.ProbeOutcome, row.ProbeCode, row.ProbeHttpStatus, result.Check))
            {
                continue;
            }

            ReachabilityRecords.SetProbe(row, result.Check, result.Check.CheckedAt ?? now);
            changed.TryAdd(result.DetectorId, []);
        }

        foreach (var (id, events) in changed)
        {
            var before = stored[id];
            var summary = ReachabilityRecords.Summarise(rows.Where(t => t.DetectorId == id));
            if (summary.State == before.Reachability)
            {
                continue;
            }

            ReachabilityRecords.Store(db, id, summary.State, now);
            if (ReachabilityRecords.EventOf(id, now, before.Reachability, summary, before.Status) is { } change)
            {
                events.Add(change);
            }
        }

        if (stale > 0)
        {
            LogStaleDropped(stale);
        }

        await EventLog.AppendAsync(db, dialect, [.. changed.Values.SelectMany(e => e)], ct);
        await transaction.CommitAsync(ct);
        return changed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing {Count} probe result(s) failed ({Failure}); they are dropped and the next probe round tries again: {Error}: {Message}")]
    private partial void LogBatchDropped(int count, DatabaseFailure failure, string error, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped {Count} probe result(s) for URLs their detectors no longer have")]
    private partial void LogStaleDropped(int count);
}
