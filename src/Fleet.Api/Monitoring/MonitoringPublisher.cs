using System.Text.Json;
using System.Threading.Channels;
using Fleet.Api.Events;
using Fleet.Api.Ingest;
using Fleet.Api.Logging;
using Fleet.Api.Monitoring.HomeAssistant;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;

namespace Fleet.Api.Monitoring;

/// <summary>
/// Publishes committed changes for monitoring tools: every event to <c>fleet/v1/events/{id}</c> (QoS 1, not
/// retained) and then the detector's current view (<see cref="MonitoringViews"/>: the registry's, else read back from
/// the database) to <c>fleet/v1/registry/{id}</c>
/// (QoS 1, retained), and views refreshed without an event to the live stream of <c>GET /events</c> (which reads the events themselves from the history: Events/EventFeed). Changes without an event (heartbeats) refresh
/// the view at most once per <see cref="MonitoringOptions.HeartbeatRefresh"/> per detector. The ingest only drops the change into a bounded queue and never waits for the broker; when
/// the queue is full the oldest change is dropped. A failed publish (broker down) is logged at most once per
/// interval and skipped: the registry topic is brought up to date by the detector's next change.
/// </summary>
internal sealed partial class MonitoringPublisher(
    MonitoringMqtt mqtt,
    HomeAssistantDiscovery homeAssistant,
    EventStream live,
    EventFeed feed,
    MonitoringViews views,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<MonitoringOptions> options,
    ILogger<MonitoringPublisher> logger) : BackgroundService, IEventSink
{
    public const int Capacity = 4096;

    // Changes taken from the queue at once: their views are read in one query (a bounded IN list).
    private const int MaxBatch = 256;

    private static readonly TimeSpan FailureLogInterval = TimeSpan.FromSeconds(10);

    private readonly Channel<MonitoringChange> _changes = Channel.CreateBounded<MonitoringChange>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    // When each detector's view was last queued for publishing (monotonic timestamps): heartbeats within
    // HeartbeatRefresh of it are coalesced. One entry per detector heard, removed when it is decommissioned.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _viewQueuedAt = new(StringComparer.Ordinal);

    private long _coalesced;
    private readonly ThrottledWarning _failureWarning = new(clock, FailureLogInterval);

    /// <summary>Publishes that failed (broker unreachable, refused, timed out) since the start.</summary>
    public long FailedTotal { get; private set; }

    /// <summary>Changes with no event that were not published because the detector's view was refreshed recently.</summary>
    public long CoalescedTotal => Interlocked.Read(ref _coalesced);

    public ValueTask PublishAsync(string detectorId, IReadOnlyList<FleetEvent> events, CancellationToken ct)
    {
        var now = clock.GetTimestamp();
        var refresh = options.Value.HeartbeatRefresh;
        if (events.Count == 0 && refresh > TimeSpan.Zero
            && _viewQueuedAt.TryGetValue(detectorId, out var queuedAt) && clock.GetElapsedTime(queuedAt, now) < refresh)
        {
            Interlocked.Increment(ref _coalesced);
            return ValueTask.CompletedTask;
        }

        return Enqueue(detectorId, events, now);
    }

    public ValueTask PublishViewAsync(string detectorId, CancellationToken ct) => Enqueue(detectorId, [], clock.GetTimestamp());

    private ValueTask Enqueue(string detectorId, IReadOnlyList<FleetEvent> events, long now)
    {
        _viewQueuedAt[detectorId] = now;
        if (events.Count > 0)
        {
            // The live stream reads the stored events itself, in id order, with every instance's (Events/EventFeed).
            feed.Signal();
        }

        // DropOldest: TryWrite always succeeds, so the caller never waits for the broker.
        _changes.Writer.TryWrite(new MonitoringChange(detectorId, events));
        return ValueTask.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<MonitoringChange>(MaxBatch);
        try
        {
            while (await _changes.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _changes.Reader.TryRead(out var change))
                {
                    batch.Add(change);
                }

                await PublishBatchAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Changes still queued are not published; the registry catches up with the next change.
        }
    }

    /// <summary>
    /// The changes queued so far, one detector at a time in the order first queued, with all its events in order: their
    /// views are read in one query (not one per detector), after every change was committed, so each is current.
    /// </summary>
    private async Task PublishBatchAsync(List<MonitoringChange> batch, CancellationToken ct)
    {
        var merged = MonitoringChange.Merge(batch);
        IReadOnlyDictionary<string, PublishedView> current;
        try
        {
            current = await views.ReadAsync([.. merged.Select(c => c.DetectorId)], ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Nothing of this batch goes out (a registry without its view would be wrong); the next change republishes.
            ReportFailure(merged[0].DetectorId, ex);
            return;
        }

        foreach (var change in merged)
        {
            try
            {
                await PublishChangeAsync(change, current.GetValueOrDefault(change.DetectorId), ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                ReportFailure(change.DetectorId, ex);
            }
        }
    }

    private async Task PublishChangeAsync(MonitoringChange change, PublishedView? view, CancellationToken ct)
    {
        // A view refreshed without an event (a heartbeat) reaches this instance's streams from here; events and the
        // views after them come from the feed. First: it never waits, and a broker that is down must not hold it back.
        if (change.Events.Count == 0 && view is not null)
        {
            live.Publish(view.Json);
        }

        foreach (var fleetEvent in change.Events)
        {
            var payload = JsonSerializer.SerializeToUtf8Bytes(fleetEvent, FleetJsonContext.Default.FleetEvent);
            await mqtt.PublishAsync(FleetTopics.Events(change.DetectorId), payload, retain: false, ct);
        }

        if (view is not null)
        {
            await mqtt.PublishAsync(FleetTopics.Registry(change.DetectorId), view.Json, retain: true, ct);

            // After the view its templates read; only when the device's config changed (name, agent, first sight).
            if (homeAssistant.Enabled)
            {
                await homeAssistant.PublishAsync(view.View, ct);
            }
        }
        else
        {
            _viewQueuedAt.TryRemove(change.DetectorId, out _);

            // Before the view is cleared, so Home Assistant never renders its templates over an empty payload. A refusal
            // (a broker ACL without the discovery prefix) must not keep the registry from being cleared.
            try
            {
                await homeAssistant.RemoveAsync(change.DetectorId, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ReportFailure(change.DetectorId, ex);
            }

            // Decommissioning (DELETE /detectors/{id}): no view, so no retained registry. Published from this queue, the
            // clear comes after any registry payload of an earlier change, even one read just before the delete.
            await mqtt.PublishAsync(FleetTopics.Registry(change.DetectorId), [], retain: true, ct);
        }
    }

    private void ReportFailure(string detectorId, Exception ex)
    {
        FailedTotal++;
        if (_failureWarning.TryReport(out var count))
        {
            // The count includes this one, which is logged.
            LogPublishFailed(detectorId, ex.GetType().Name, ex.Message, count - 1);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the change of {DetectorId} to the monitoring topics failed: {Error}: {Message} ({Suppressed} more failures were not logged)")]
    private partial void LogPublishFailed(string detectorId, string error, string message, int suppressed);
}
