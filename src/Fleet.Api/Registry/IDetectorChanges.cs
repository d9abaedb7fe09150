namespace Fleet.Api.Registry;

/// <summary>What every writer of detectors calls after its commit, so the registry re-reads those detectors.</summary>
public interface IDetectorChanges
{
    /// <summary>Returns once the registry holds the commit: the writer's next read, and its client's, sees it.</summary>
    Task ChangedAsync(IReadOnlyCollection<string> ids, CancellationToken ct);

    /// <summary>
    /// Queues the re-read and returns at once (the ingest: no client reads its writes back, and re-reads queued while
    /// one runs are merged into the next, one statement for many batches).
    /// </summary>
    void Changed(IReadOnlyCollection<string> ids);

    /// <summary>
    /// Returns once every change told before the call (<see cref="Changed"/> included) has been applied, re-reading
    /// nothing of its own: for a reader of the registry that comes after a writer, as the monitoring topics do.
    /// </summary>
    Task HeardAsync(CancellationToken ct);
}
