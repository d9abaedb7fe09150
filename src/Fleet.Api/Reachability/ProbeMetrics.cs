using System.Diagnostics.Metrics;
using Fleet.Api.Metrics;

namespace Fleet.Api.Reachability;

/// <summary>The probe's instruments, on the API's meter: outcomes, refusals by reason, latency and probes in flight.</summary>
internal sealed class ProbeMetrics
{
    private readonly Counter<long> _outcomes;
    private readonly Counter<long> _refusals;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _inFlight;

    public ProbeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(FleetMeters.MeterName);
        _outcomes = meter.CreateCounter<long>("fleet.probe.outcomes", description: "API probes of tunnel URLs by outcome (ok, endpoint-offline, refused, …).");
        _refusals = meter.CreateCounter<long>("fleet.probe.refusals", description: "API probes refused before any connection, by reason (loopback, private, metadata, url-rule, …).");
        _duration = meter.CreateHistogram<double>("fleet.probe.duration", unit: "s", description: "Time from a probe's start to its answer's headers (or its failure), by outcome.");
        _inFlight = meter.CreateUpDownCounter<long>("fleet.probe.in_flight", description: "API probes running now.");
    }

    public void Started() => _inFlight.Add(1);

    public void Finished(ProbeAttempt attempt, TimeSpan elapsed)
    {
        _inFlight.Add(-1);
        var outcome = new KeyValuePair<string, object?>("outcome", attempt.Check.Outcome);
        _outcomes.Add(1, outcome);
        if (attempt.RefusalReason is { } reason)
        {
            _refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
        else
        {
            _duration.Record(elapsed.TotalSeconds, outcome);
        }
    }
}
