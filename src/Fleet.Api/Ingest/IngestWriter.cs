using System.Text.Json.Nodes;
using Fleet.Api.Data;
using Fleet.Domain.Messages;
using Fleet.Domain.Ordering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Ingest;

/// <summary>
/// Applies one validated message in one transaction: the guarded upsert decides, the rest (tunnels, events)
/// follows only when it applied. Scoped: one instance per unit of work.
/// </summary>
internal sealed class IngestWriter(FleetDbContext db, ISqlDialect dialect, TimeProvider clock, IOptions<IngestOptions> options)
{
    public async Task<IngestOutcome> ApplyStateAsync(string detectorId, StateMessage state, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var stored = await ReadStoredAsync(detectorId, ct);

        var applied = await db.Database.ExecuteSqlRawAsync(
            IngestSql.For(dialect.Greatest).UpsertState,
            [
                dialect.Text("id", detectorId),
                dialect.LongNumber("epoch", state.Epoch),
                dialect.LongNumber("seq", state.Seq),
                dialect.Timestamp("now", now),
                dialect.Timestamp("reset_cutoff", now - options.Value.ResetWindow),
                dialect.Timestamp("sent_at", state.SentAt),
                dialect.Number("heartbeat", state.HeartbeatSeconds),
                dialect.Text("provider_kind", state.Provider?.Kind),
                dialect.Text("provider_version", state.Provider?.Version),
                dialect.Text("provider_state", state.Provider?.State),
                dialect.Number("provider_restarts", state.Provider?.Restarts),
                dialect.Text("provider_error", state.Provider?.Error),
                dialect.Text("agent_version", state.Agent?.Version),
                dialect.Text("agent_hostname", state.Agent?.Hostname),
                dialect.Text("agent_os", state.Agent?.Os),
                dialect.Text("agent_arch", state.Agent?.Arch),
                dialect.Timestamp("agent_started_at", state.Agent?.StartedAt),
            ],
            ct);

        if (applied == 0)
        {
            await transaction.CommitAsync(ct);
            return IngestOutcome.Stale;
        }

        var events = new List<FleetEvent>();
        var record = new EventRecorder(db, detectorId, now, events);
        if (stored is null)
        {
            record.Add(EventTypes.Registered, null);
        }

        if (stored?.Epoch is { } oldEpoch && state.Epoch < oldEpoch)
        {
            record.Add(EventTypes.EpochReset, new JsonObject { ["from"] = oldEpoch, ["to"] = state.Epoch });
        }

        var startsConnection = stored?.StatusEpoch is not { } statusEpoch || statusEpoch < state.Epoch || state.Epoch < stored.Epoch;
        if (stored is not null && stored.Status != "online" && startsConnection)
        {
            record.Add(EventTypes.Online, new JsonObject { ["epoch"] = state.Epoch });
        }

        if (state.Provider?.Error is { } error && error != stored?.ProviderError)
        {
            record.Add(EventTypes.ProviderError, new JsonObject { ["error"] = error, ["state"] = state.Provider.State });
        }

        await ReplaceTunnelsAsync(detectorId, state.Tunnels, now, record, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new IngestOutcome(true, events);
    }

    public async Task<IngestOutcome> ApplyStatusAsync(string detectorId, StatusMessage status, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var stored = await ReadStoredAsync(detectorId, ct);

        // A will is said by the broker, not by the detector: it is no sign of life.
        DateTimeOffset? seenAt = status.State == Presence.Lost ? null : now;
        var applied = await db.Database.ExecuteSqlRawAsync(
            IngestSql.For(dialect.Greatest).UpsertStatus,
            [
                dialect.Text("id", detectorId),
                dialect.Text("status", status.State.ToWire()),
                dialect.LongNumber("epoch", status.Epoch),
                dialect.Number("rank", OrderingRules.Rank(status.State)),
                dialect.Timestamp("now", now),
                dialect.Timestamp("seen_at", seenAt),
                dialect.Timestamp("reset_cutoff", now - options.Value.ResetWindow),
            ],
            ct);

        if (applied == 0)
        {
            await transaction.CommitAsync(ct);
            return IngestOutcome.Stale;
        }

        var events = new List<FleetEvent>();
        var record = new EventRecorder(db, detectorId, now, events);
        if (stored is null)
        {
            record.Add(EventTypes.Registered, null);
        }

        var wire = status.State.ToWire();
        if (stored?.Status != wire)
        {
            record.Add(wire, new JsonObject { ["epoch"] = status.Epoch, ["reason"] = status.Reason });
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new IngestOutcome(true, events);
    }

    private async Task<StoredDetector?> ReadStoredAsync(string detectorId, CancellationToken ct) =>
        await db.Detectors
            .FromSqlRaw(dialect.ReadStoredForUpdate, dialect.Text("id", detectorId))
            .AsNoTracking()
            .Select(d => new StoredDetector(d.Epoch, d.Status, d.StatusEpoch, d.ProviderError))
            .SingleOrDefaultAsync(ct);

    private async Task ReplaceTunnelsAsync(string detectorId, IReadOnlyList<TunnelReport> reported, DateTimeOffset now, EventRecorder record, CancellationToken ct)
    {
        var current = await db.Tunnels.Where(t => t.DetectorId == detectorId).ToListAsync(ct);
        foreach (var tunnel in current.Where(t => reported.All(r => r.Name != t.Name)))
        {
            db.Tunnels.Remove(tunnel);
            record.Add(EventTypes.TunnelRemoved, new JsonObject { ["tunnel"] = tunnel.Name, ["url"] = tunnel.Url });
        }

        foreach (var report in reported)
        {
            var existing = current.FirstOrDefault(t => t.Name == report.Name);
            if (existing is null)
            {
                db.Tunnels.Add(new TunnelRecord
                {
                    DetectorId = detectorId, Name = report.Name, Url = report.Url, Proto = report.Proto,
                    Upstream = report.Upstream, StartedAt = report.StartedAt, Since = now,
                });
                record.Add(EventTypes.TunnelAdded, new JsonObject { ["tunnel"] = report.Name, ["url"] = report.Url });
                continue;
            }

            if (existing.Url != report.Url)
            {
                record.Add(EventTypes.UrlChanged, new JsonObject { ["tunnel"] = report.Name, ["from"] = existing.Url, ["to"] = report.Url });
                existing.Url = report.Url;
                existing.Since = now;
            }

            existing.Proto = report.Proto;
            existing.Upstream = report.Upstream;
            existing.StartedAt = report.StartedAt;
        }
    }
}
