using System.Data.Common;
using Fleet.Api.Data;
using Fleet.Api.History;
using Fleet.Api.Reachability;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Ingest;

/// <summary>
/// Applies a batch of validated messages in one transaction, with the same outcome as applying them one at a
/// time in order: the stored rows are read (locked) in one query, each round of the batch (at most one message per
/// detector) is one guarded multi-row upsert per kind that returns the rows it changed, and tunnels and events
/// follow in bulk for what applied. Scoped: one instance per unit of work.
/// </summary>
internal sealed class IngestWriter(FleetDbContext db, ISqlDialect dialect, TimeProvider clock, IOptions<IngestOptions> options, ChangeBudget budget)
{
    private const int MaxRowsPerStatement = 1000;

    /// <summary>Tunnel changes of the last batch whose events were held back by the <see cref="ChangeBudget"/>.</summary>
    public int Coalesced { get; private set; }

    public async Task<IngestOutcome> ApplyStateAsync(string detectorId, StateMessage state, CancellationToken ct) =>
        (await ApplyBatchAsync([IngestWrite.Of(detectorId, state)], ct))[0];

    public async Task<IngestOutcome> ApplyStatusAsync(string detectorId, StatusMessage status, CancellationToken ct) =>
        (await ApplyBatchAsync([IngestWrite.Of(detectorId, status)], ct))[0];

    /// <summary>The outcome of each write, in the order given; all committed together or (on an exception) none.</summary>
    public async Task<IReadOnlyList<IngestOutcome>> ApplyBatchAsync(IReadOnlyList<IngestWrite> writes, CancellationToken ct)
    {
        Coalesced = 0;
        var now = clock.GetUtcNow();
        var cutoff = now - options.Value.ResetWindow;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var sql = new IngestCommands(db.Database.GetDbConnection(), transaction.GetDbTransaction(), dialect, db.Database.GetCommandTimeout());
        var stored = await sql.ReadStoredAsync([.. writes.Select(w => w.DetectorId).Distinct()], ct);

        var events = new List<FleetEvent>?[writes.Count];
        var tunnelWork = new List<(int Index, string Status)>();
        foreach (var round in BatchRounds.Split(writes))
        {
            foreach (var states in Statements(writes, round, w => w.State is not null))
            {
                var changed = await sql.UpsertStatesAsync([.. states.Select(i => writes[i])], now, cutoff, ct);
                foreach (var i in states)
                {
                    var (id, state) = (writes[i].DetectorId, writes[i].State!);
                    if (changed.TryGetValue(id, out var after))
                    {
                        var before = stored.GetValueOrDefault(id);
                        events[i] = IngestEvents.OfState(id, now, before, state);

                        // A heartbeat with the tunnels already stored leaves the tunnels table alone.
                        if (before?.TunnelsHash != after.TunnelsHash)
                        {
                            tunnelWork.Add((i, after.Status));
                        }

                        stored[id] = after;
                    }
                }
            }

            foreach (var statuses in Statements(writes, round, w => w.Status is not null))
            {
                var changed = await sql.UpsertStatusesAsync([.. statuses.Select(i => writes[i])], now, cutoff, ct);
                foreach (var i in statuses)
                {
                    var id = writes[i].DetectorId;
                    if (changed.TryGetValue(id, out var after))
                    {
                        events[i] = IngestEvents.OfStatus(id, now, stored.GetValueOrDefault(id), writes[i].Status!);
                        stored[id] = after;
                    }
                }
            }
        }

        if (tunnelWork.Count > 0)
        {
            await ReplaceTunnelsAsync(writes, tunnelWork, stored, events, now, ct);
        }

        // Last before the commit: the tunnels and summaries, then the events under the order lock (History/EventLog).
        await EventLog.AppendAsync(db, dialect, [.. events.SelectMany(e => e ?? [])], ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return [.. events.Select(e => e is null ? IngestOutcome.Stale : new IngestOutcome(true, e))];
    }

    // The rows of one round for one statement each: in id order, the order the stored rows were locked in, so two
    // API instances writing the same detectors wait for each other instead of deadlocking; and never more rows than
    // a statement may carry parameters for (SQLite allows 32766).
    private static IEnumerable<int[]> Statements(IReadOnlyList<IngestWrite> writes, List<int> round, Func<IngestWrite, bool> kind) =>
        round.Where(i => kind(writes[i])).OrderBy(i => writes[i].DetectorId, StringComparer.Ordinal).Chunk(MaxRowsPerStatement);

    // In the order the states applied (per detector, the receive order), each against what the previous one left;
    // after each, the reachability summary of the tunnels it left, so a batch records the same summary changes as
    // its messages one at a time. The rows' summaries were read under the lock (the upserts do not change them).
    private async Task ReplaceTunnelsAsync(
        IReadOnlyList<IngestWrite> writes, List<(int Index, string Status)> work, Dictionary<string, StoredDetector> stored, List<FleetEvent>?[] events, DateTimeOffset now, CancellationToken ct)
    {
        var ids = work.Select(w => writes[w.Index].DetectorId).Distinct().ToList();
        var rows = await db.Tunnels.Where(t => ids.Contains(t.DetectorId)).ToListAsync(ct);
        var changes = new TunnelChanges(rows);
        var reachability = ids.ToDictionary(id => id, id => stored[id].Reachability, StringComparer.Ordinal);
        var moved = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (i, status) in work)
        {
            // Over the detector's change budget the tunnels still move (the row is the truth), but the events go
            // nowhere: ChangeFlusher describes the net change later, from the snapshot taken here. A state that
            // changes only the agent's checks moves no tunnel and spends no budget.
            var (id, tunnels) = (writes[i].DetectorId, writes[i].State!.Tunnels);
            var recorded = !changes.MovesTunnels(id, tunnels) || budget.TryRecord(id, () => changes.Snapshot(id));
            if (!recorded)
            {
                Coalesced++;
            }

            changes.Apply(id, tunnels, now, recorded ? events[i]! : []);
            var summary = changes.Reachability(id);
            if (summary.State != reachability[id])
            {
                if (ReachabilityRecords.EventOf(id, now, reachability[id], summary, status) is { } changed)
                {
                    events[i]!.Add(changed);
                }

                reachability[id] = summary.State;
                moved.Add(id);
            }
        }

        changes.WriteTo(db, rows);
        // Also when it came back within the batch: one at a time, reachability_since would be `now` too.
        foreach (var id in moved)
        {
            ReachabilityRecords.Store(db, id, reachability[id], now);
        }
    }
}
