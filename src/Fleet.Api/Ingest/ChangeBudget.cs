using Fleet.Api.Data;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Ingest;

/// <summary>
/// A token bucket per detector for tunnel changes (<c>Ingest:ChangesPerDetectorPerMinute</c>, <c>Ingest:ChangeBurst</c>),
/// in memory and per API instance. A change within the budget makes its history events as always; over it, the
/// detector's row still moves to the newest state, but its events are held back: the bucket remembers the tunnels as
/// the history last described them and counts the changes, and <see cref="ChangeFlusher"/> writes one set of events
/// from there to the current tunnels (with <c>coalesced</c>) as soon as the bucket has a token again. While a
/// detector has changes held back, all its further changes join them, so its history never skips backwards.
/// Only tunnel changes are looked up here: a heartbeat costs nothing.
/// </summary>
internal sealed class ChangeBudget(IOptions<IngestOptions> options, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>
    /// Held by the ingest writer around each batch and by the flusher around each flush: a flush reads the tunnels
    /// either before or after a batch, never halfway, so a change cannot be described twice or not at all.
    /// </summary>
    public SemaphoreSlim WriteGate { get; } = new(1, 1);

    public bool Enabled => options.Value.ChangesPerDetectorPerMinute > 0;

    /// <summary>How often a detector regains one change: the flusher's period.</summary>
    public TimeSpan RefillInterval => TimeSpan.FromMinutes(1.0 / Math.Max(1, options.Value.ChangesPerDetectorPerMinute));

    /// <summary>Detectors with a bucket in memory (changed recently).</summary>
    public int TrackedCount
    {
        get
        {
            lock (_lock)
            {
                return _buckets.Count;
            }
        }
    }

    /// <summary>Detectors with changes held back right now.</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _buckets.Values.Count(b => b.Held is not null);
            }
        }
    }

    /// <summary>
    /// True: record this change's events now. False: the change is coalesced; <paramref name="before"/> gives the
    /// detector's tunnels just before it (called only for the first change held back).
    /// </summary>
    public bool TryRecord(string detectorId, Func<IReadOnlyList<TunnelRecord>> before)
    {
        if (!Enabled)
        {
            return true;
        }

        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (!_buckets.TryGetValue(detectorId, out var bucket))
            {
                _buckets[detectorId] = bucket = new Bucket(options.Value.ChangeBurst, now);
            }

            if (bucket.Held is { } held)
            {
                bucket.Held = held with { Count = held.Count + 1 };
                return false;
            }

            if (Take(bucket, now))
            {
                return true;
            }

            bucket.Held = new HeldChanges(before(), 1, now);
            return false;
        }
    }

    /// <summary>
    /// The detectors whose held-back changes may be written now (a token is taken for each), with what the history
    /// last said. Forgets buckets that are full and hold nothing, so memory follows the detectors that change.
    /// </summary>
    public List<(string DetectorId, HeldChanges Held)> TakeDue()
    {
        var now = clock.GetUtcNow();
        var due = new List<(string, HeldChanges)>();
        lock (_lock)
        {
            List<string>? idle = null;
            foreach (var (id, bucket) in _buckets)
            {
                if (bucket.Held is { } held)
                {
                    if (Take(bucket, now))
                    {
                        due.Add((id, held));
                        bucket.Held = null;
                    }
                }
                else if (Refill(bucket, now) >= options.Value.ChangeBurst)
                {
                    (idle ??= []).Add(id);
                }
            }

            foreach (var id in idle ?? [])
            {
                _buckets.Remove(id);
            }
        }

        return due;
    }

    /// <summary>Gives back changes a flush could not write (the database was down): the next flush tries again.</summary>
    public void Restore(string detectorId, HeldChanges held)
    {
        lock (_lock)
        {
            if (!_buckets.TryGetValue(detectorId, out var bucket))
            {
                _buckets[detectorId] = bucket = new Bucket(0, clock.GetUtcNow());
            }

            // Changes held back since keep the older starting point: it is what the history still says.
            bucket.Held = bucket.Held is { } newer ? held with { Count = held.Count + newer.Count } : held;
        }
    }

    private bool Take(Bucket bucket, DateTimeOffset now)
    {
        if (Refill(bucket, now) < 1)
        {
            return false;
        }

        bucket.Tokens -= 1;
        return true;
    }

    private double Refill(Bucket bucket, DateTimeOffset now)
    {
        var elapsed = now - bucket.RefilledAt;
        if (elapsed > TimeSpan.Zero)
        {
            bucket.Tokens = Math.Min(options.Value.ChangeBurst, bucket.Tokens + (elapsed.TotalMinutes * options.Value.ChangesPerDetectorPerMinute));
            bucket.RefilledAt = now;
        }

        return bucket.Tokens;
    }

    private sealed class Bucket(double tokens, DateTimeOffset refilledAt)
    {
        public double Tokens { get; set; } = tokens;

        public DateTimeOffset RefilledAt { get; set; } = refilledAt;

        public HeldChanges? Held { get; set; }
    }
}

/// <summary>Tunnel changes held back for one detector: the tunnels the history last described, how many changes since, since when.</summary>
internal sealed record HeldChanges(IReadOnlyList<TunnelRecord> Before, int Count, DateTimeOffset Since);
