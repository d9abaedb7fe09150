using Fleet.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Reachability;

/// <summary>One URL to probe: a tunnel of an online detector.</summary>
internal sealed record ProbeTarget(string DetectorId, string Tunnel, string Url);

/// <summary>
/// The probe's read-only query: online detectors' http, https and tcp tunnels, in key order, one page at a time
/// (keyset pagination on the tunnel's key, so a round holds one page in memory whatever the fleet's size).
/// </summary>
internal static class ProbeTargets
{
    private const string Online = "online";

    public static Task<int> CountAsync(FleetDbContext db, CancellationToken ct) => Query(db).CountAsync(ct);

    /// <summary>The page after (<paramref name="afterDetector"/>, <paramref name="afterTunnel"/>); from the start when both are null.</summary>
    public static Task<List<ProbeTarget>> PageAsync(FleetDbContext db, string? afterDetector, string? afterTunnel, int size, CancellationToken ct)
    {
        var query = Query(db);
        if (afterDetector is not null && afterTunnel is not null)
        {
            query = query.Where(t => string.Compare(t.DetectorId, afterDetector) > 0
                || (t.DetectorId == afterDetector && string.Compare(t.Name, afterTunnel) > 0));
        }

        return query
            .OrderBy(t => t.DetectorId)
            .ThenBy(t => t.Name)
            .Take(size)
            .Select(t => new ProbeTarget(t.DetectorId, t.Name, t.Url))
            .ToListAsync(ct);
    }

    private static IQueryable<TunnelRecord> Query(FleetDbContext db) => db.Tunnels
        .AsNoTracking()
        .Where(t => db.Detectors.Any(d => d.Id == t.DetectorId && d.Status == Online))
        .Where(t => t.Url.StartsWith("http://") || t.Url.StartsWith("https://") || t.Url.StartsWith("tcp://"));
}
