using System.Text.Json.Nodes;
using Fleet.Api.Data;
using Fleet.Api.Ingest;
using Fleet.Domain.Messages;
using Fleet.Domain.Reachability;

namespace Fleet.Api.Reachability;

/// <summary>
/// The reachability bookkeeping the ingest (agent checks) and the probe writer (API probes) share: the stored summary
/// of a detector's tunnel rows by <see cref="ReachabilityRules"/>, its event, and its write. One place, so both writers
/// decide and record a change the same way.
/// </summary>
internal static class ReachabilityRecords
{
    public static ReachabilitySummary Summarise(IEnumerable<TunnelRecord> tunnels) =>
        ReachabilityRules.Summarise(tunnels.Select(t => new TunnelEvidence(t.Name, t.CheckOutcome, t.CheckCode, t.ProbeOutcome, t.ProbeCode)));

    /// <summary>
    /// The history event of a change of the stored summary, or null when the change is none
    /// (<see cref="ReachabilityRules.IsEvent"/>): its type is the new state, its data <c>{from, failing}</c>.
    /// </summary>
    public static FleetEvent? EventOf(string detectorId, DateTimeOffset at, string from, ReachabilitySummary to, string status)
    {
        if (!PresenceNames.TryParse(status, out var presence) || !ReachabilityRules.IsEvent(from, to.State, presence))
        {
            return null;
        }

        var failing = new JsonArray();
        foreach (var f in to.Failing)
        {
            failing.Add(new JsonObject { ["tunnel"] = f.Tunnel, ["outcome"] = f.Outcome, ["code"] = f.Code, ["source"] = f.Source });
        }

        // The event types are the state names (EventTypes.Reachable, Degraded, Unreachable).
        return IngestEvents.New(to.State, detectorId, at, new JsonObject { ["from"] = from, ["failing"] = failing });
    }

    /// <summary>
    /// Writes the detector's stored summary and when it took it, with the unit of work's next SaveChanges (no round
    /// trip of its own): the row is locked by the caller's transaction and only these two columns are sent.
    /// </summary>
    public static void Store(FleetDbContext db, string detectorId, string state, DateTimeOffset now)
    {
        // FindEntry looks the key up in the identity map; enumerating Local would detect changes on every tracked row.
        var entry = db.Detectors.Local.FindEntry(detectorId) ?? db.Detectors.Attach(new DetectorRecord { Id = detectorId });
        entry.Property(d => d.Reachability).CurrentValue = state;
        entry.Property(d => d.Reachability).IsModified = true;
        entry.Property(d => d.ReachabilitySince).CurrentValue = now;
        entry.Property(d => d.ReachabilitySince).IsModified = true;
    }

    /// <summary>Sets the agent-check columns from a reported check (all null when there is none).</summary>
    public static void SetCheck(TunnelRecord row, TunnelCheck? check)
    {
        row.CheckOutcome = check?.Outcome;
        row.CheckCode = check?.Code;
        row.CheckHttpStatus = check?.HttpStatus;
        row.CheckLatencyMs = check?.LatencyMs;
        row.CheckAt = check?.CheckedAt;
    }

    /// <summary>Sets the probe columns (all null clears them: the probe was of a URL the tunnel no longer has).</summary>
    public static void SetProbe(TunnelRecord row, TunnelCheck? probe, DateTimeOffset? at)
    {
        row.ProbeOutcome = probe?.Outcome;
        row.ProbeCode = probe?.Code;
        row.ProbeHttpStatus = probe?.HttpStatus;
        row.ProbeLatencyMs = probe?.LatencyMs;
        row.ProbeAt = probe is null ? null : at;
    }

    /// <summary>Whether a check would change what is stored: its outcome, code or HTTP status (not its latency or time).</summary>
    public static bool SameResult(string? outcome, string? code, int? httpStatus, TunnelCheck? check) =>
        outcome == check?.Outcome && code == check?.Code && httpStatus == check?.HttpStatus;
}
