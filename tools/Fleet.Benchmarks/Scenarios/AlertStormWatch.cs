using Fleet.Benchmarks.Infrastructure;
using Fleet.Benchmarks.Reporting;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// One storm of the alert benchmark, watched: the fleet's process is killed (every connection dropped without
/// DISCONNECT, so the broker sends every will at once: --will-delay 0), then the receiver is watched until the fired
/// notices name every detector of the fleet (or the limit), and GET /detectors until the API shows them all lost.
/// </summary>
internal sealed class AlertStormWatch(AlertReceiver receiver, AlertStormSetup setup, int fleet)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>Kills <paramref name="fleetProcess"/> and watches until every detector was in a fired notice, at most <paramref name="limit"/>.</summary>
    public async Task<Result> RunAsync(SimProcess fleetProcess, TimeSpan limit)
    {
        var lostBefore = await setup.CountAsync("status=lost");
        var start = receiver.Clock.Elapsed.TotalSeconds;
        await fleetProcess.DisposeAsync();
        double? lostSeconds = null;
        var lostShown = 0.0;
        var nextCount = 0.0;
        while (receiver.Clock.Elapsed.TotalSeconds - start < limit.TotalSeconds)
        {
            var now = receiver.Clock.Elapsed.TotalSeconds - start;
            if (lostSeconds is null && now >= nextCount)
            {
                nextCount = now + 1;
                try
                {
                    lostShown = await setup.CountAsync("status=lost") - lostBefore;
                    lostSeconds = lostShown >= fleet ? receiver.Clock.Elapsed.TotalSeconds - start : null;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // A request lost under load: counted again next second.
                }
            }

            if (Fired(start).Sum(d => d.Detectors) >= fleet)
            {
                break;
            }

            await Task.Delay(Poll);
        }

        // A moment for a straggler or a duplicate (a retried delivery) to arrive before counting.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var fired = Fired(start);
        var distinct = fired.DistinctBy(d => d.WebhookId).ToList();
        var complete = distinct.Sum(d => d.Detectors) >= fleet;
        return new Result(
            lostSeconds,
            lostSeconds is null ? lostShown : fleet,
            complete ? distinct.Max(d => d.Seconds) - start : null,
            fired.Count,
            distinct.Count,
            distinct.Sum(d => d.Detectors),
            distinct.Select(d => d.Group).Distinct().Count());
    }

    /// <summary>Waits until the recovered notices after <paramref name="since"/> name <paramref name="detectors"/> detectors, at most <paramref name="limit"/>.</summary>
    public async Task<(double? Seconds, int Deliveries, int Detectors)> RecoveredAsync(double since, int detectors, TimeSpan limit)
    {
        List<AlertReceiver.Delivery> Recovered() => [.. receiver.Since(since).Where(d => d.Recovered).DistinctBy(d => d.WebhookId)];
        while (Recovered().Sum(d => d.Detectors) < detectors && receiver.Clock.Elapsed.TotalSeconds - since < limit.TotalSeconds)
        {
            await Task.Delay(Poll);
        }

        var recovered = Recovered();
        var done = recovered.Sum(d => d.Detectors) >= detectors;
        return (done && recovered.Count > 0 ? recovered.Max(d => d.Seconds) - since : null, recovered.Count, recovered.Sum(d => d.Detectors));
    }

    private List<AlertReceiver.Delivery> Fired(double since) => [.. receiver.Since(since).Where(d => d.Fired)];

    /// <summary>What one storm produced; times in seconds from the kill.</summary>
    internal sealed record Result(
        double? LostSeconds, double LostShown, double? LastAlertSeconds, int Deliveries, int Distinct, int Detectors, int Groups)
    {
        public void Record(RunRecord record, string prefix)
        {
            record.Set($"{prefix}.lostSeconds", LostSeconds ?? double.NaN);
            record.Set($"{prefix}.lostShown", LostShown);
            record.Set($"{prefix}.lastAlertSeconds", LastAlertSeconds ?? double.NaN);
            record.Set($"{prefix}.deliveries", Deliveries);
            record.Set($"{prefix}.distinctNotices", Distinct);
            record.Set($"{prefix}.detectorsInNotices", Detectors);
            record.Set($"{prefix}.groups", Groups);
        }

        public override string ToString() =>
            $"lost shown {LostShown:0}{(LostSeconds is { } l ? $" after {l:0.0} s" : " (not all)")}; last grouped alert " +
            $"{(LastAlertSeconds is { } a ? $"{a:0.0} s" : "NOT complete")} after the kill; {Deliveries} deliveries " +
            $"({Distinct} distinct notices, {Groups} groups) naming {Detectors} detectors";
    }
}
