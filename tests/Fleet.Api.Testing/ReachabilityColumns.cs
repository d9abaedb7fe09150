using Fleet.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Testing;

/// <summary>
/// Writes the reachability columns directly (as the ingest and the prober do), so read-side tests can set up a
/// detector in any state without the writers.
/// </summary>
internal static class ReachabilityColumns
{
    public static Task SetAsync(this FleetApiFactory api, string id, string state, Action<DetectorRecord> change) =>
        api.WithDbAsync(async db =>
        {
            var detector = await db.Detectors.Include(d => d.Tunnels).SingleAsync(d => d.Id == id);
            detector.Reachability = state;
            detector.ReachabilitySince = DateTimeOffset.UtcNow;
            change(detector);
            return await db.SaveChangesAsync();
        });

    public static void Check(this TunnelRecord tunnel, string outcome, string? code = null, int? httpStatus = null)
    {
        tunnel.CheckOutcome = outcome;
        tunnel.CheckCode = code;
        tunnel.CheckHttpStatus = httpStatus;
        tunnel.CheckLatencyMs = 84;
        tunnel.CheckAt = new DateTimeOffset(2026, 11, 28, 9, 59, 58, TimeSpan.Zero);
    }

    public static void Probe(this TunnelRecord tunnel, string outcome, DateTimeOffset at, string? code = null, int? httpStatus = null)
    {
        tunnel.ProbeOutcome = outcome;
        tunnel.ProbeCode = code;
        tunnel.ProbeHttpStatus = httpStatus;
        tunnel.ProbeLatencyMs = 120;
        tunnel.ProbeAt = at;
    }
}
