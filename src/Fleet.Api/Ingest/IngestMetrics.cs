using System.Diagnostics.Metrics;

namespace Fleet.Api.Ingest;

/// <summary>
/// Ingest instruments (exported by OpenTelemetry): applied, stale, rejected by reason, ignored, retried writes, and
/// the lag from MQTT receive to database commit.
/// </summary>
public sealed class IngestMetrics
{
    public const string MeterName = "Fleet.Api.Ingest";

    private static readonly int[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

    private static readonly double[] LagBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly Counter<long> _applied;
    private readonly Counter<long> _stale;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _ignored;
    private readonly Counter<long> _identityConflicts;
    private readonly Counter<long> _coalesced;
    private readonly Histogram<double> _lag;
    private readonly Histogram<int> _batchSize;
    private long _ignoredTotal;
    private long _identityConflictsTotal;
    private long _coalescedTotal;
    private long _appliedTotal;
    private long _staleTotal;
    private long _rejectedTotal;
    private long _batchesTotal;

    public IngestMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _applied = meter.CreateCounter<long>("fleet.ingest.applied", description: "Messages that changed the stored state.");
        _stale = meter.CreateCounter<long>("fleet.ingest.stale", description: "Messages older than or equal to what is stored.");
        _rejected = meter.CreateCounter<long>("fleet.ingest.rejected", description: "Invalid messages, by reason.");
        _ignored = meter.CreateCounter<long>("fleet.ingest.ignored", description: "Zero-byte retained messages (a retained topic cleared); they never delete stored data.");
        _identityConflicts = meter.CreateCounter<long>(
            "fleet.ingest.identity_conflicts",
            description: "Session takeovers agents report (agent.takeovers went up): two Pis share one identity, a cloned SD card.");
        _coalesced = meter.CreateCounter<long>(
            "fleet.ingest.coalesced",
            description: "Tunnel changes over a detector's Ingest:ChangesPerDetectorPerMinute whose history events were coalesced (the row still took them).");
        _retries = meter.CreateCounter<long>("fleet.ingest.write_retries", description: "Database writes retried after a failure.");
        _lag = meter.CreateHistogram(
            "fleet.ingest.lag",
            unit: "s",
            description: "Time from receiving a message from the broker to committing it (applied or stale), by kind.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
        _batchSize = meter.CreateHistogram(
            "fleet.ingest.batch_size",
            unit: "{message}",
            description: "Messages written to the database in one transaction.",
            tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchBuckets });
    }

    public long AppliedTotal => Interlocked.Read(ref _appliedTotal);

    public long StaleTotal => Interlocked.Read(ref _staleTotal);

    public long RejectedTotal => Interlocked.Read(ref _rejectedTotal);

    public void Applied(string kind)
    {
        Interlocked.Increment(ref _appliedTotal);
        _applied.Add(1, new KeyValuePair<string, object?>("kind", kind));
    }

    public void Stale(string kind)
    {
        Interlocked.Increment(ref _staleTotal);
        _stale.Add(1, new KeyValuePair<string, object?>("kind", kind));
    }

    public void Rejected(string reason)
    {
        Interlocked.Increment(ref _rejectedTotal);
        _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    public long IgnoredTotal => Interlocked.Read(ref _ignoredTotal);

    public long RetriesTotal { get; private set; }

    public void Ignored()
    {
        Interlocked.Increment(ref _ignoredTotal);
        _ignored.Add(1);
    }

    public long IdentityConflictsTotal => Interlocked.Read(ref _identityConflictsTotal);

    /// <summary>No detector label (unbounded series); the warning in the log names the detector.</summary>
    public void IdentityConflicts(int count)
    {
        Interlocked.Add(ref _identityConflictsTotal, count);
        _identityConflicts.Add(count);
    }

    public long CoalescedTotal => Interlocked.Read(ref _coalescedTotal);

    /// <summary>No detector label (unbounded series); the log names the detector.</summary>
    public void Coalesced(int changes)
    {
        if (changes > 0)
        {
            Interlocked.Add(ref _coalescedTotal, changes);
            _coalesced.Add(changes);
        }
    }

    public void Retried()
    {
        RetriesTotal++;
        _retries.Add(1);
    }

    /// <summary>A transaction committed <paramref name="messages"/> messages.</summary>
    public void Batch(int messages)
    {
        Interlocked.Increment(ref _batchesTotal);
        _batchSize.Record(messages);
    }

    public long BatchesTotal => Interlocked.Read(ref _batchesTotal);

    /// <summary>A received message was written (applied or stale) <paramref name="elapsed"/> after it arrived.</summary>
    public void Committed(string kind, TimeSpan elapsed) =>
        _lag.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("kind", kind));
}
