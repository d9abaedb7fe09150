using Microsoft.Extensions.Options;

namespace Fleet.Api.Registry;

/// <summary>
/// This instance's copy of every detector (<see cref="RegistrySnapshot"/>), which the read endpoints answer from.
/// It answers only while it is known to be exact: loaded, and told of every commit since (the notification connection
/// up, the last refresh succeeded). Otherwise <see cref="Current"/> is null and the endpoints read the database, as
/// with <c>Detectors:ReadFrom=Database</c>, so a reader never sees an older fleet than the database holds.
/// Only <see cref="RegistrySync"/> changes it.
/// </summary>
internal sealed class DetectorRegistry(IOptions<RegistryOptions> options)
{
    private RegistrySnapshot? _snapshot;
    private volatile bool _exact;
    private long _losses;
    private long _exactSince = -1;

    public bool Enabled { get; } = options.Value.ReadFrom == DetectorReadSource.Memory;

    /// <summary>The snapshot to answer from, or null: read the database.</summary>
    public RegistrySnapshot? Current => _exact ? Volatile.Read(ref _snapshot) : null;

    /// <summary>Loaded at least once (readiness).</summary>
    public bool Loaded => Volatile.Read(ref _snapshot) is not null;

    /// <summary>The snapshot as the sync knows it, exact or not (null before the first load).</summary>
    internal RegistrySnapshot? Latest => Volatile.Read(ref _snapshot);

    /// <summary>How many times changes may have been missed (<see cref="MarkInexact"/>).</summary>
    internal long Losses => Interlocked.Read(ref _losses);

    /// <summary>The <see cref="Losses"/> count the registry has been exact since; -1 while it is not.</summary>
    internal long ExactSince => _exact ? Interlocked.Read(ref _exactSince) : -1;

    /// <summary>
    /// Publishes a snapshot, exact when nothing was lost since <paramref name="losses"/> (read before the reads that
    /// built it). Written exact first and checked again after, so a loss racing with the publish always wins.
    /// </summary>
    internal void Publish(RegistrySnapshot snapshot, long losses)
    {
        Volatile.Write(ref _snapshot, snapshot);
        Interlocked.Exchange(ref _exactSince, losses);
        _exact = losses >= 0 && losses == Losses;
        if (losses != Losses)
        {
            _exact = false;
        }
    }

    /// <summary>Changes may have been missed (notifications lost, a step failed): read the database until a resync.</summary>
    internal void MarkInexact()
    {
        Interlocked.Increment(ref _losses);
        _exact = false;
    }
}
