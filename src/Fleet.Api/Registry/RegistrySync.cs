using Fleet.Domain.Messages;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Registry;

/// <summary>
/// Keeps <see cref="DetectorRegistry"/> exact, one step at a time, so that a later read of the database always lands
/// later than an earlier one (no version races between steps). A step takes everything that arrived since the last:
/// <list type="bullet">
/// <item>a (re)connect of the notification connection, or the <see cref="RegistryOptions.ResyncInterval"/>: a resync
/// (the first one loads everything; later ones compare every version and relay port and re-read what differs);</item>
/// <item>writers' commits on this instance (<see cref="ChangedAsync"/>, which returns once the step has applied them:
/// read-your-writes) and other instances' (notifications carrying the id and version, skipped when the registry
/// already holds that version): re-read by id.</item>
/// </list>
/// Listening starts before the load, so nothing committed in between is missed. When notifications may have been
/// missed (the connection lost) or a step failed, the registry stops answering (<see cref="DetectorRegistry.Current"/>
/// null: reads go to the database) until a resync succeeds.
/// </summary>
internal sealed partial class RegistrySync(
    DetectorRegistry registry,
    IDetectorNotifications notifications,
    RegistryReads reads,
    RegistryQueue queue,
    RegistryMetrics metrics,
    TimeProvider clock,
    IOptions<RegistryOptions> options,
    ILogger<RegistrySync> logger) : BackgroundService, IDetectorChanges
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    /// <summary>Detectors loaded at once from which the load's garbage is collected right away.</summary>
    private const int LargeLoad = 10_000;

    private long _resyncs;

    /// <summary>Resyncs done since the start (the first load included).</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    public Task ChangedAsync(IReadOnlyCollection<string> ids, CancellationToken ct) =>
        ids.Count == 0 ? Task.CompletedTask : Request(ids, resync: false).WaitAsync(ct);

    public void Changed(IReadOnlyCollection<string> ids)
    {
        if (ids.Count > 0)
        {
            _ = Request(ids, resync: false);
        }
    }

    public Task HeardAsync(CancellationToken ct) => Request([], resync: false).WaitAsync(ct);

    /// <summary>
    /// Resyncs now and returns when done: for a write this instance was not told about and must see at once (a tool
    /// or a test writing to the database itself; other instances' writes arrive by notification anyway).
    /// </summary>
    public Task ResyncAsync(CancellationToken ct) => Request([], resync: true).WaitAsync(ct);

    /// <summary>Queues work for the next step; the task completes when the step is done (never faults).</summary>
    private Task Request(IReadOnlyCollection<string> ids, bool resync) =>
        registry.Enabled ? queue.Request(ids, resync) : Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!registry.Enabled)
        {
            return;
        }

        var listening = notifications.ListenAsync(Notified, Connected, Lost, stoppingToken);
        var nextResync = clock.GetUtcNow() + options.Value.ResyncInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await queue.WaitAsync(nextResync - clock.GetUtcNow(), stoppingToken);
                var (resync, requests, notified) = queue.Take();
                resync |= clock.GetUtcNow() >= nextResync;
                var started = RecordWaits(requests, notified);
                try
                {
                    if (resync)
                    {
                        await ResyncStepAsync(stoppingToken);
                        nextResync = clock.GetUtcNow() + options.Value.ResyncInterval;
                    }

                    if (await RefreshAsync(requests, notified, stoppingToken) || resync)
                    {
                        metrics.Stepped(clock.GetElapsedTime(started), resync);
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Whatever this step was to apply is missing from memory: the database answers until a resync works.
                    registry.MarkInexact();
                    LogStepFailed(ex.GetType().Name, ex.Message, RetryAfterFailure);
                    queue.ResyncNext(wake: false);

                    await Task.Delay(RetryAfterFailure, clock, stoppingToken);
                }
                finally
                {
                    // The writer's commit is done either way; when the step failed, reads go to the database.
                    foreach (var request in requests)
                    {
                        request.Done.TrySetResult();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            queue.Stop();
        }

        await listening;
    }

    private async Task ResyncStepAsync(CancellationToken ct)
    {
        var losses = registry.Losses;
        if (registry.Latest is not { } current)
        {
            var all = await reads.AllAsync(ct);
            registry.Publish(RegistrySnapshot.Of(all), losses);

            // Loading a large fleet leaves rows, views and buffers behind; give that memory back to the system now,
            // once, rather than carry the load's high-water mark as the process's size (100,000 detectors: 822 MB
            // before, 424 MB after; docs/benchmarks/analysis.md). A small fleet is not worth a blocking collection.
            if (all.Count >= LargeLoad)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }
            Interlocked.Increment(ref _resyncs);
            LogLoaded(all.Count);
            return;
        }

        var (versions, relays) = await reads.StateAsync(ct);
        var differ = new List<string>();
        foreach (var entry in current.Entries)
        {
            if (!versions.TryGetValue(entry.Id, out var version) || version != entry.Version || !Equals(relays.GetValueOrDefault(entry.Id), entry.Relay))
            {
                differ.Add(entry.Id);
            }
        }

        foreach (var id in versions.Keys)
        {
            if (current.Find(id) is null)
            {
                differ.Add(id);
            }
        }

        await ApplyAsync(differ, losses, ct);
        Interlocked.Increment(ref _resyncs);
        LogResynced(differ.Count, versions.Count);
    }

    /// <summary>Records how long each change waited for this step (one measurement per writer's request and per notified id); returns the step's start.</summary>
    private long RecordWaits(List<RegistryRequest> requests, Dictionary<string, (long Version, long Since)> notified)
    {
        var now = clock.GetTimestamp();
        foreach (var request in requests)
        {
            if (request.Ids.Count > 0)
            {
                metrics.Waited(clock.GetElapsedTime(request.Since, now), notified: false);
            }
        }

        foreach (var (_, (_, since)) in notified)
        {
            metrics.Waited(clock.GetElapsedTime(since, now), notified: true);
        }

        return now;
    }

    /// <summary>Re-reads what the requests and notifications name; true if anything was re-read.</summary>
    private async Task<bool> RefreshAsync(List<RegistryRequest> requests, Dictionary<string, (long Version, long Since)> notified, CancellationToken ct)
    {
        if (registry.Latest is null)
        {
            // Not loaded yet (the database was unreachable at start): the load reads everything these commits wrote,
            // and until it is done every read goes to the database.
            return false;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            ids.UnionWith(request.Ids);
        }

        var current = registry.Latest;
        var skipped = 0;
        foreach (var (id, (version, _)) in notified)
        {
            // Our own commits come back as notifications too: already read when the registry holds that version.
            if (current?.Find(id) is not { } entry || entry.Version < version)
            {
                ids.Add(id);
            }
            else
            {
                skipped++;
            }
        }

        metrics.Skipped(skipped);
        if (ids.Count == 0)
        {
            return false;
        }

        await ApplyAsync([.. ids], registry.ExactSince, ct);
        return true;
    }

    /// <summary>Re-reads these detectors and publishes a snapshot with them; exact when nothing was lost since <paramref name="losses"/>.</summary>
    private async Task ApplyAsync(List<string> ids, long losses, CancellationToken ct)
    {
        var snapshot = registry.Latest ?? RegistrySnapshot.Empty;
        var reading = TimeSpan.Zero;
        for (var i = 0; i < ids.Count; i += RegistryReads.ChunkSize)
        {
            var chunk = ids.GetRange(i, Math.Min(RegistryReads.ChunkSize, ids.Count - i));
            var started = clock.GetTimestamp();
            var found = await reads.ManyAsync(chunk, ct);
            reading += clock.GetElapsedTime(started);
            snapshot = snapshot.With(chunk, found);
        }

        registry.Publish(snapshot, losses);
        metrics.Reread(ids.Count);
        metrics.Read(reading);
    }

    private void Notified(string payload)
    {
        // "id version" for a written row; "id" alone for a deleted row or a relay port change: always re-read.
        var space = payload.IndexOf(' ');
        var id = space < 0 ? payload : payload[..space];
        var version = space >= 0 && long.TryParse(payload.AsSpan(space + 1), out var v) ? v : long.MaxValue;
        if (DetectorIdIsPlausible(id))
        {
            queue.Notified(id, version);
        }
    }

    private static bool DetectorIdIsPlausible(string id) => id.Length is > 0 and <= Domain.Identity.DetectorId.MaxLength;

    private void Connected() => queue.ResyncNext(wake: true);

    private void Lost() => registry.MarkInexact();

    [LoggerMessage(Level = LogLevel.Information, Message = "Detector registry loaded: {Count} detectors in memory")]
    private partial void LogLoaded(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Detector registry resynced: {Changed} of {Count} detectors differed from the database")]
    private partial void LogResynced(int changed, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Updating the detector registry failed; reads use the database until a resync succeeds (retrying in {Retry}): {Error}: {Message}")]
    private partial void LogStepFailed(string error, string message, TimeSpan retry);
}
