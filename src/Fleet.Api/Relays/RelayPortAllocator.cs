using Fleet.Api.Data;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Relays;

/// <summary>
/// Hands each detector one port of a relay's range, and the same one again while it holds it. No application lock: an
/// attempt reads the lowest free port and inserts it with ON CONFLICT DO NOTHING, so of two instances racing for one
/// port (or one detector provisioned twice at once) the database lets one insert win; the loser reads again. Each lost
/// attempt means another allocation succeeded, so the attempts are bounded by the number of concurrent provisionings.
/// </summary>
internal sealed partial class RelayPortAllocator(
    FleetDbContext db, ISqlDialect dialect, Registry.IDetectorChanges registry, TimeProvider clock, ILogger<RelayPortAllocator> logger)
{
    /// <summary>More concurrent provisionings of one relay than this are not expected; past it the caller is told to retry.</summary>
    public const int MaxAttempts = 64;

    // The lowest free port: the range's start if free, else the port after an allocated one whose successor is free.
    private static readonly string LowestFreeSql = $"""
        SELECT candidate AS "Value" FROM (
            SELECT @low AS candidate
            WHERE NOT EXISTS (SELECT 1 FROM {RelayPortsModel.Table} WHERE relay = @relay AND port = @low)
            UNION ALL
            SELECT p.port + 1 FROM {RelayPortsModel.Table} p
            WHERE p.relay = @relay AND p.port >= @low AND p.port < @high
              AND NOT EXISTS (SELECT 1 FROM {RelayPortsModel.Table} q WHERE q.relay = @relay AND q.port = p.port + 1)
        ) AS free
        ORDER BY candidate
        LIMIT 1
        """;

    private static readonly string ClaimSql = $"""
        INSERT INTO {RelayPortsModel.Table} (relay, port, detector_id, allocated_at)
        VALUES (@relay, @port, @detector, @at)
        ON CONFLICT DO NOTHING
        """;

    public async Task<RelayAllocation> AllocateAsync(RelayDefinition relay, string detectorId, CancellationToken ct)
    {
        var (low, high) = relay.Ports;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await FindAsync(relay.Name, detectorId, ct) is { } held)
            {
                return new RelayAllocation(RelayAllocationOutcome.Held, held);
            }

            var free = await db.Database.SqlQueryRaw<int>(
                    LowestFreeSql, dialect.Text("relay", relay.Name), dialect.Number("low", low), dialect.Number("high", high))
                .ToListAsync(ct);
            if (free.Count == 0 || free[0] > high)
            {
                LogFull(relay.Name, relay.PortRange, detectorId);
                return new RelayAllocation(RelayAllocationOutcome.Full, null);
            }

            var claimed = await db.Database.ExecuteSqlRawAsync(
                ClaimSql,
                [dialect.Text("relay", relay.Name), dialect.Number("port", free[0]), dialect.Text("detector", detectorId), dialect.Timestamp("at", clock.GetUtcNow())],
                ct);
            if (claimed == 1)
            {
                // GET /detectors/{id} shows the port: the registry holds it before the caller answers.
                await registry.ChangedAsync([detectorId], ct);
                LogAllocated(relay.Name, free[0], detectorId, attempt);
                return new RelayAllocation(RelayAllocationOutcome.Allocated, free[0]);
            }
        }

        return new RelayAllocation(RelayAllocationOutcome.Busy, null);
    }

    public Task<int?> FindAsync(string relay, string detectorId, CancellationToken ct) =>
        db.Set<RelayPortRecord>().Where(p => p.Relay == relay && p.DetectorId == detectorId).Select(p => (int?)p.Port).SingleOrDefaultAsync(ct);

    /// <summary>The relays the detector holds a port on, earliest first.</summary>
    public Task<List<string>> HeldAsync(string detectorId, CancellationToken ct) =>
        db.Set<RelayPortRecord>().Where(p => p.DetectorId == detectorId).OrderBy(p => p.AllocatedAt).ThenBy(p => p.Relay).Select(p => p.Relay).ToListAsync(ct);

    /// <summary>The detector's earliest relay port, as GET /detectors/{id} shows it; null without one.</summary>
    public static Task<RelayPortAssignment?> AssignmentAsync(FleetDbContext db, string detectorId, CancellationToken ct) =>
        db.Set<RelayPortRecord>().AsNoTracking().Where(p => p.DetectorId == detectorId).OrderBy(p => p.AllocatedAt).ThenBy(p => p.Relay)
            .Select(p => new RelayPortAssignment(p.Relay, p.Port)).FirstOrDefaultAsync(ct);

    /// <summary>Gives every port of the detector back, in the caller's transaction (decommission).</summary>
    public static Task<int> ReleaseAsync(FleetDbContext db, string detectorId, CancellationToken ct) =>
        db.Set<RelayPortRecord>().Where(p => p.DetectorId == detectorId).ExecuteDeleteAsync(ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Relay {Relay}: port {Port} allocated to detector {DetectorId} (attempt {Attempt})")]
    private partial void LogAllocated(string relay, int port, string detectorId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay {Relay}: no free port in {PortRange} for detector {DetectorId}")]
    private partial void LogFull(string relay, string portRange, string detectorId);
}

internal enum RelayAllocationOutcome
{
    /// <summary>The detector already held this port (re-provisioning, a restart): handed out again.</summary>
    Held,
    Allocated,

    /// <summary>Every port of the range is taken.</summary>
    Full,

    /// <summary>Every attempt lost a race to another provisioning; retrying later will do.</summary>
    Busy,
}

internal sealed record RelayAllocation(RelayAllocationOutcome Outcome, int? Port);
