using System.Text.Json.Nodes;
using Fleet.Api.Data;
using Fleet.Api.History;
using Fleet.Api.Ingest;
using Fleet.Api.Mqtt;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

// Not Fleet.Api.Presence: that namespace would hide the Fleet.Domain.Messages.Presence enum everywhere under Fleet.Api.
using Fleet.Api.Registry;
namespace Fleet.Api.PresenceSweep;

/// <summary>
/// Marks an online detector lost when nothing was heard from it for MissedHeartbeats × its heartbeat interval on
/// the API's clock, with a <c>lost</c> event (reason <c>heartbeat-timeout</c>) in the same transaction.
/// <para>
/// The API must not blame detectors for its own blindness, so silence counts only from the latest of: the API's
/// start, its last (re)connect to the broker, a detected wall-clock jump, a sweep that failed, and the last sweep that
/// found the ingest behind (half a queue waiting or taken at once: the broker holds more, and a heartbeat waiting there is not
/// silence; seen in reconnect storms, where detectors were marked lost while their states were queued). A wall-clock
/// jump is detected by comparing the wall-clock and monotonic time elapsed since the previous sweep; that sweep is
/// skipped and the baseline restarts.
/// </para>
/// </summary>
internal sealed partial class PresenceSweeper(
    IServiceScopeFactory scopes,
    IEventSink sink,
    IDetectorChanges registry,
    MqttConnection mqtt,
    IngestQueue ingest,
    TimeProvider clock,
    IOptions<PresenceOptions> options,
    ILogger<PresenceSweeper> logger) : BackgroundService
{
    private static readonly TimeSpan MinJumpTolerance = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset _lastWall = clock.GetUtcNow();
    private long _lastTimestamp = clock.GetTimestamp();
    private DateTimeOffset _stableSince = clock.GetUtcNow();
    private bool _lastSweepFailed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepOnceAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    _lastSweepFailed = true;
                    LogSweepFailed(ex.GetType().Name, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One sweep; returns the ids it marked lost (none when it skipped). Sweeps never overlap.</summary>
    internal async Task<IReadOnlyList<string>> SweepOnceAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            if (!BaselineHolds(now))
            {
                return [];
            }

            if (!mqtt.IsConnected)
            {
                // Silence from the fleet means nothing while the API itself hears nothing.
                LogSkippedDisconnected();
                return [];
            }

            if (ingest.Backlog is var backlog && backlog >= Math.Max(2, ingest.Capacity / 2))
            {
                _stableSince = now;
                LogSkippedBacklog(backlog, ingest.Capacity);
                return [];
            }

            var stableSince = Latest(_stableSince, mqtt.ConnectedAt);
            if (_lastSweepFailed)
            {
                stableSince = _stableSince = now;
            }

            var lost = await MarkLostAsync(now, stableSince, ct);
            _lastSweepFailed = false;
            await registry.ChangedAsync([.. lost.Select(e => e.DetectorId)], ct);
            foreach (var fleetEvent in lost)
            {
                LogMarkedLost(fleetEvent.DetectorId);
                await sink.PublishAsync(fleetEvent.DetectorId, [fleetEvent], ct);
            }

            return [.. lost.Select(e => e.DetectorId)];
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool BaselineHolds(DateTimeOffset now)
    {
        var timestamp = clock.GetTimestamp();
        var wallElapsed = now - _lastWall;
        var monotonicElapsed = clock.GetElapsedTime(_lastTimestamp, timestamp);
        _lastWall = now;
        _lastTimestamp = timestamp;
        var tolerance = options.Value.SweepInterval > MinJumpTolerance ? options.Value.SweepInterval : MinJumpTolerance;
        var skew = wallElapsed - monotonicElapsed;
        if (skew.Duration() <= tolerance)
        {
            return true;
        }

        // Timestamps stored before the jump are on another clock: count silence only from now on.
        _stableSince = now;
        LogClockJumped(skew, wallElapsed, monotonicElapsed);
        return false;
    }

    private async Task<List<FleetEvent>> MarkLostAsync(DateTimeOffset now, DateTimeOffset stableSince, CancellationToken ct)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        var dialect = scope.ServiceProvider.GetRequiredService<ISqlDialect>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var ids = await db.Database.SqlQueryRaw<string>(
            PresenceSql.MarkSilentLost(dialect),
            dialect.Timestamp("now", now),
            dialect.Timestamp("stable_since", stableSince),
            dialect.Number("default_heartbeat", (int)settings.DefaultHeartbeat.TotalSeconds),
            dialect.Number("missed", settings.MissedHeartbeats))
            .ToListAsync(ct);

        var events = new List<FleetEvent>(ids.Count);
        foreach (var id in ids)
        {
            var data = new JsonObject { ["reason"] = "heartbeat-timeout" };
            events.Add(new FleetEvent { Type = EventTypes.Lost, DetectorId = id, At = now, Data = data });
        }

        await EventLog.AppendAsync(db, dialect, events, ct);
        await transaction.CommitAsync(ct);
        return events;
    }

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset? b) => b is { } value && value > a ? value : a;

    [LoggerMessage(Level = LogLevel.Information, Message = "Detector {DetectorId} marked lost: no heartbeat within its timeout")]
    private partial void LogMarkedLost(string detectorId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The wall clock jumped by {Skew} (wall {WallElapsed}, monotonic {MonotonicElapsed} since the last sweep): sweep skipped, silence counted from now")]
    private partial void LogClockJumped(TimeSpan skew, TimeSpan wallElapsed, TimeSpan monotonicElapsed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Presence sweep skipped: the ingest is behind ({Queued} of {Capacity} queued), silence counted from now")]
    private partial void LogSkippedBacklog(int queued, int capacity);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Presence sweep skipped: the API is not connected to the broker")]
    private partial void LogSkippedDisconnected();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence sweep failed, retrying at the next interval: {Error}: {Message}")]
    private partial void LogSweepFailed(string error, string message);
}
