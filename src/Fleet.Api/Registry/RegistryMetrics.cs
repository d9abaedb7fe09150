using System.Diagnostics.Metrics;
using Fleet.Api.Metrics;

namespace Fleet.Api.Registry;

/// <summary>
/// The registry's step instruments, on the API's meter (<see cref="FleetMeters.MeterName"/>): how long a change waited
/// for the step that applied it, how long steps took, ids re-read and notifications skipped. They split a slow
/// cross-instance read into queueing and reading (docs/benchmarks/analysis.md, issue 18).
/// </summary>
internal sealed class RegistryMetrics
{
    /// <summary>Fine below 50 ms (issue 18's freshness target), so a p99 estimated from the buckets means something.</summary>
    private static readonly double[] Buckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5, 10];

    private static readonly KeyValuePair<string, object?> Local = new("source", "local");
    private static readonly KeyValuePair<string, object?> Notification = new("source", "notification");
    private static readonly KeyValuePair<string, object?> Changes = new("kind", "changes");
    private static readonly KeyValuePair<string, object?> Resync = new("kind", "resync");

    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _stepDuration;
    private readonly Histogram<double> _stepRead;
    private long _rereads;
    private long _skipped;

    public RegistryMetrics(IMeterFactory meterFactory, DetectorRegistry registry)
    {
        // The factory hands out one Meter per name: these instruments join FleetMeters' and are exported with them.
        var meter = meterFactory.Create(FleetMeters.MeterName);
        _queueWait = Seconds(
            meter,
            "fleet.registry.queue_wait",
            "Time from a change being queued (source local: a writer of this instance) or notified (source notification: "
                + "a commit anywhere, by PostgreSQL NOTIFY) to the start of the registry step that handles it.");
        _stepDuration = Seconds(
            meter,
            "fleet.registry.step_duration",
            "Time one registry step took to re-read its detectors and publish the new snapshot (kind changes), or to "
                + "resync with the database (kind resync, the first load included). Steps with nothing to re-read are not recorded.");
        _stepRead = Seconds(
            meter,
            "fleet.registry.step_read",
            "The part of a registry step spent reading its detectors from the database and serialising their views; the "
                + "rest of fleet.registry.step_duration is merging them into a new snapshot and publishing it (the first load is not counted).");
        // Observable: always exported (from 0), and a step costs one interlocked add, not a measurement.
        meter.CreateObservableCounter(
            "fleet.registry.rereads",
            () => Interlocked.Read(ref _rereads),
            unit: "{detector}",
            description: "Detectors re-read from the database by id (changes, and differences a resync found).");
        meter.CreateObservableCounter(
            "fleet.registry.notifications_skipped",
            () => Interlocked.Read(ref _skipped),
            unit: "{notification}",
            description: "Notifications not re-read because the registry already held that version (mostly this instance's own commits).");
        HoldingGauges(meter, registry);
    }

    private static Histogram<double> Seconds(Meter meter, string name, string description) =>
        meter.CreateHistogram(name, unit: "s", description: description, tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });

    /// <summary>
    /// What the registry holds, for its memory budget (README "Reads from memory"): detectors, and the bytes of their
    /// serialised views, which are most of an entry's size. Summed at each scrape (a pass over the entries, no state
    /// kept per step).
    /// </summary>
    private static void HoldingGauges(Meter meter, DetectorRegistry registry)
    {
        meter.CreateObservableGauge(
            "fleet.registry.detectors",
            () => registry.Latest?.Count ?? 0,
            unit: "{detector}",
            description: "Detectors in this instance's in-memory registry (0 before the first load or with Detectors:ReadFrom=Database).");
        meter.CreateObservableGauge(
            "fleet.registry.views",
            () => registry.Latest is { } snapshot ? snapshot.ViewBytes() : 0L,
            unit: "By",
            description: "Bytes of serialised views (UTF-8 JSON) the in-memory registry holds.");
    }

    /// <summary>A change queued <paramref name="waited"/> before the step that handles it started.</summary>
    public void Waited(TimeSpan waited, bool notified) => _queueWait.Record(waited.TotalSeconds, notified ? Notification : Local);

    public void Stepped(TimeSpan took, bool resync) => _stepDuration.Record(took.TotalSeconds, resync ? Resync : Changes);

    /// <summary>A step's database reads took <paramref name="took"/> in all.</summary>
    public void Read(TimeSpan took) => _stepRead.Record(took.TotalSeconds);

    public void Reread(int ids) => Interlocked.Add(ref _rereads, ids);

    public void Skipped(int notifications) => Interlocked.Add(ref _skipped, notifications);
}
