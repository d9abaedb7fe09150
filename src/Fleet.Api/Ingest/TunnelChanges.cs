using System.Text.Json.Nodes;
using Fleet.Api.Data;
using Fleet.Api.Reachability;
using Fleet.Domain.Messages;
using Fleet.Domain.Reachability;

namespace Fleet.Api.Ingest;

/// <summary>
/// Replays the tunnel lists of a batch's applied states over the stored tunnels, in memory: each state gets its
/// events (added, removed, url-changed), and only the net result is written. Each tunnel's agent check is kept as
/// reported (its latency and time only when its result changed); a changed URL clears the probe, which was of the old one.
/// </summary>
internal sealed class TunnelChanges(IReadOnlyList<TunnelRecord> stored)
{
    private readonly Dictionary<string, List<TunnelRecord>> _current = stored
        .GroupBy(t => t.DetectorId, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Select(Copy).ToList(), StringComparer.Ordinal);

    /// <summary>Moves a detector's tunnels to <paramref name="reported"/>, adding the events that causes.</summary>
    public void Apply(string detectorId, IReadOnlyList<TunnelReport> reported, DateTimeOffset now, List<FleetEvent> events)
    {
        var current = _current.TryGetValue(detectorId, out var list) ? list : _current[detectorId] = [];
        foreach (var tunnel in current.Where(t => reported.All(r => r.Name != t.Name)).OrderBy(t => t.Name, StringComparer.Ordinal).ToList())
        {
            current.Remove(tunnel);
            events.Add(IngestEvents.New(EventTypes.TunnelRemoved, detectorId, now, new JsonObject { ["tunnel"] = tunnel.Name, ["url"] = tunnel.Url }));
        }

        foreach (var report in reported)
        {
            var existing = current.Find(t => t.Name == report.Name);
            if (existing is null)
            {
                var added = new TunnelRecord
                {
                    DetectorId = detectorId, Name = report.Name, Url = report.Url, Proto = report.Proto,
                    Upstream = report.Upstream, StartedAt = report.StartedAt, Since = now,
                };
                ReachabilityRecords.SetCheck(added, report.Check);
                current.Add(added);
                events.Add(IngestEvents.New(EventTypes.TunnelAdded, detectorId, now, new JsonObject { ["tunnel"] = report.Name, ["url"] = report.Url }));
                continue;
            }

            if (existing.Url != report.Url)
            {
                events.Add(IngestEvents.New(EventTypes.UrlChanged, detectorId, now, new JsonObject { ["tunnel"] = report.Name, ["from"] = existing.Url, ["to"] = report.Url }));
                existing.Url = report.Url;
                existing.Since = now;
                ReachabilityRecords.SetProbe(existing, null, null);
                ReachabilityRecords.SetCheck(existing, report.Check);
            }
            else if (!ReachabilityRecords.SameResult(existing.CheckOutcome, existing.CheckCode, existing.CheckHttpStatus, report.Check))
            {
                ReachabilityRecords.SetCheck(existing, report.Check);
            }

            existing.Proto = report.Proto;
            existing.Upstream = report.Upstream;
            existing.StartedAt = report.StartedAt;
        }
    }

    /// <summary>
    /// Whether <paramref name="reported"/> changes more than the agent checks of the detector's tunnels as replayed so
    /// far: a tunnel added, removed or moved (what the change budget counts and the history describes); the rule is
    /// <see cref="TunnelFingerprint.MovesTunnels"/>.
    /// </summary>
    public bool MovesTunnels(string detectorId, IReadOnlyList<TunnelReport> reported) =>
        TunnelFingerprint.MovesTunnels(_current.TryGetValue(detectorId, out var list) ? [.. list.Select(ToReport)] : [], reported);

    /// <summary>The reachability summary of the detector's tunnels as replayed so far.</summary>
    public ReachabilitySummary Reachability(string detectorId) =>
        ReachabilityRecords.Summarise(_current.TryGetValue(detectorId, out var list) ? list : []);

    /// <summary>A copy of the detector's tunnels as replayed so far (what a change about to be applied starts from).</summary>
    public IReadOnlyList<TunnelRecord> Snapshot(string detectorId) =>
        _current.TryGetValue(detectorId, out var list) ? [.. list.Select(Copy)] : [];

    /// <summary>Brings the tracked <paramref name="stored"/> rows to the replayed result: updates, deletes, inserts.</summary>
    public void WriteTo(FleetDbContext db, IReadOnlyList<TunnelRecord> stored)
    {
        foreach (var row in stored)
        {
            var final = _current[row.DetectorId].Find(t => t.Name == row.Name);
            if (final is null)
            {
                db.Tunnels.Remove(row);
                continue;
            }

            row.Url = final.Url;
            row.Proto = final.Proto;
            row.Upstream = final.Upstream;
            row.StartedAt = final.StartedAt;
            row.Since = final.Since;
            CopyReachability(final, row);
        }

        foreach (var (detectorId, tunnels) in _current)
        {
            db.Tunnels.AddRange(tunnels.Where(t => !stored.Any(s => s.DetectorId == detectorId && s.Name == t.Name)));
        }
    }

    /// <summary>A stored tunnel row as the report that would produce it.</summary>
    public static TunnelReport ToReport(TunnelRecord t) => new()
    {
        Name = t.Name, Url = t.Url, Proto = t.Proto, Upstream = t.Upstream, StartedAt = t.StartedAt,
    };

    private static TunnelRecord Copy(TunnelRecord t)
    {
        var copy = new TunnelRecord
        {
            DetectorId = t.DetectorId, Name = t.Name, Url = t.Url, Proto = t.Proto, Upstream = t.Upstream,
            StartedAt = t.StartedAt, Since = t.Since,
        };
        CopyReachability(t, copy);
        return copy;
    }

    private static void CopyReachability(TunnelRecord from, TunnelRecord to)
    {
        (to.CheckOutcome, to.CheckCode, to.CheckHttpStatus, to.CheckLatencyMs, to.CheckAt) =
            (from.CheckOutcome, from.CheckCode, from.CheckHttpStatus, from.CheckLatencyMs, from.CheckAt);
        (to.ProbeOutcome, to.ProbeCode, to.ProbeHttpStatus, to.ProbeLatencyMs, to.ProbeAt) =
            (from.ProbeOutcome, from.ProbeCode, from.ProbeHttpStatus, from.ProbeLatencyMs, from.ProbeAt);
    }
}
