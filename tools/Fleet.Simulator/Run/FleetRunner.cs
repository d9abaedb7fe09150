using System.Collections.Concurrent;
using System.Diagnostics;
using Fleet.Domain.Retry;

namespace Fleet.Simulator.Run;

/// <summary>
/// Drives the whole simulated fleet from one loop: a priority queue of timed work (connects, heartbeats, resyncs,
/// reconnects) plus a token bucket for the rate-driven messages and crash sampling. MQTT callbacks and finished
/// operations only post events into an inbox that the loop drains, so scheduling state has a single writer and
/// 10,000 detectors cost no threads or timers of their own (MQTTnet keeps one receive loop and keep-alive per client).
/// </summary>
internal sealed partial class FleetRunner(IReadOnlyList<SimulatedDetector> detectors, RunOptions options, Action<string> progress) : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);
    private const int PickAttempts = 16;

    private readonly PriorityQueue<SimEvent, double> _timers = new();
    private readonly ConcurrentQueue<SimEvent> _inbox = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly SemaphoreSlim _connecting = new(options.MaxConnecting, options.MaxConnecting);
    private readonly List<double> _reconnectOffsets = [];
    private double? _firstLoss;
    private bool _steady;
    private double _tokens;
    private double _crashDebt;
    private long _published;
    private long _acked;
    private long _failed;
    private long _statusPublished;
    private long _crashes;
    private long _resyncs;
    private long _skipped;
    private long _reconnects;

    private double Now => _clock.Elapsed.TotalSeconds;

    public async Task<RunSummary> RunAsync(CancellationToken ct)
    {
        for (var i = 0; i < detectors.Count; i++)
        {
            Schedule(new SimEvent(i, SimEventKind.Connect, 0), options.ConnectRate > 0 ? i / options.ConnectRate : 0);
        }

        using var timer = new PeriodicTimer(Tick);
        var lastTick = Now;
        var nextProgress = 0.0;
        var connectedAt = 0.0;
        var connected = 0;
        long ackedAtSteady = 0;
        try
        {
            // Connect phase: until everyone has connected once (or the connect timeout); then the steady phase.
            while (await timer.WaitForNextTickAsync(ct))
            {
                var now = Now;
                Step(now, now - lastTick, ct);
                lastTick = now;
                if (!_steady)
                {
                    connected = detectors.Count(d => d.EverConnected);
                    if (connected == detectors.Count || now >= options.ConnectTimeout.TotalSeconds)
                    {
                        _steady = true;
                        connectedAt = now;
                        ackedAtSteady = Interlocked.Read(ref _acked);
                        progress($"connect phase done: {connected}/{detectors.Count} connected in {now:0.0} s");
                    }
                }

                if (now >= nextProgress)
                {
                    nextProgress = now + 5;
                    Report(now);
                }

                if (_steady && now - connectedAt >= options.Duration.TotalSeconds)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            progress("interrupted: stopping cleanly");
        }

        var steadySeconds = Math.Max(0, Now - connectedAt);
        var steadyAcked = Interlocked.Read(ref _acked) - ackedAtSteady;
        if (!_steady)
        {
            connectedAt = Now;
            connected = detectors.Count(d => d.EverConnected);
        }

        await StopAllAsync();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        return new RunSummary(
            detectors.Count,
            connected,
            Math.Round(connectedAt, 3),
            _published,
            _acked,
            _failed,
            Math.Round(options.Duration > TimeSpan.Zero && steadySeconds > 0 ? steadyAcked / steadySeconds : _acked / Math.Max(connectedAt, 0.001), 1),
            _reconnects,
            Math.Round(process.PeakWorkingSet64 / 1048576.0, 1),
            _statusPublished,
            _crashes,
            _resyncs,
            _skipped,
            Math.Round(Now, 3),
            Math.Round(process.TotalProcessorTime.TotalSeconds, 2),
            ReconnectSpread.From(_reconnectOffsets));
    }

    private void Step(double now, double elapsed, CancellationToken ct)
    {
        while (_inbox.TryDequeue(out var e))
        {
            Handle(e, now);
        }

        while (_timers.TryPeek(out _, out var due) && due <= now)
        {
            Fire(_timers.Dequeue(), now, ct);
        }

        if (!_steady)
        {
            return;
        }

        // Token bucket, capped at 250 ms worth so a long stall is not followed by a burst.
        _tokens = Math.Min(_tokens + (options.Rate * elapsed), Math.Max(1, options.Rate * 0.25));
        while (_tokens >= 1)
        {
            _tokens--;
            if (Pick() is { } detector)
            {
                var changeUrl = options.UrlChurn > 0 && Random.Shared.NextDouble() < options.UrlChurn;
                _ = PublishStateAsync(detector, changeUrl, ct);
            }
            else
            {
                _skipped++;
            }
        }

        _crashDebt += detectors.Count * options.CrashRatePerHour / 3600 * elapsed;
        while (_crashDebt >= 1)
        {
            _crashDebt--;
            if (Pick() is { } victim)
            {
                Crash(victim, now);
            }
        }
    }

    private void Handle(SimEvent e, double now)
    {
        var detector = detectors[e.Index];
        if (e.Generation != detector.Generation)
        {
            return;
        }

        switch (e.Kind)
        {
            case SimEventKind.Connected when !detector.IsConnected:
                // Lost again before this event was handled (its Disconnected came first and was ignored): retry.
                detector.Phase = DetectorPhase.Waiting;
                detector.Failures++;
                Schedule(e with { Kind = SimEventKind.Connect }, now + Backoff.Delay(detector.Failures, options.ReconnectMin, options.ReconnectMax).TotalSeconds);
                break;

            case SimEventKind.Connected:
                if (detector.EverConnected)
                {
                    _reconnects++;
                }

                if (detector.LostAt is not null && _firstLoss is { } first)
                {
                    _reconnectOffsets.Add(now - first);
                }

                detector.Phase = DetectorPhase.Connected;
                detector.EverConnected = true;
                detector.Failures = 0;
                detector.LostAt = null;
                Schedule(e with { Kind = SimEventKind.Heartbeat }, now + (options.Heartbeat.TotalSeconds * (0.5 + (Random.Shared.NextDouble() / 2))));
                break;

            case SimEventKind.ConnectFailed:
                detector.Phase = DetectorPhase.Waiting;
                detector.Failures++;
                Schedule(e with { Kind = SimEventKind.Connect }, now + Backoff.Delay(detector.Failures, options.ReconnectMin, options.ReconnectMax).TotalSeconds);
                break;

            case SimEventKind.Disconnected when detector.Phase == DetectorPhase.Connected:
                // The broker went away (killed, restarted, a dead link): back after a jittered backoff, never in step.
                detector.Phase = DetectorPhase.Waiting;
                detector.LostAt = now;
                _firstLoss ??= now;
                detector.Failures = 1;
                Schedule(e with { Kind = SimEventKind.Connect }, now + Backoff.Delay(1, options.ReconnectMin, options.ReconnectMax).TotalSeconds);
                break;

            case SimEventKind.Resync when detector.Phase == DetectorPhase.Connected:
                // Spread over up to 2 s: the API asks the whole fleet at once.
                Schedule(e, now + (Random.Shared.NextDouble() * 2));
                break;
        }
    }

    private void Fire(SimEvent e, double now, CancellationToken ct)
    {
        var detector = detectors[e.Index];
        if (e.Kind != SimEventKind.Connect && e.Generation != detector.Generation)
        {
            return;
        }

        if (!detector.TryBegin())
        {
            // Another operation of this detector is in flight (a connect waiting for its turn, a publish).
            Schedule(e, now + (e.Kind == SimEventKind.Heartbeat ? options.Heartbeat.TotalSeconds : 0.1));
            return;
        }

        switch (e.Kind)
        {
            case SimEventKind.Connect:
                detector.Phase = DetectorPhase.Connecting;
                _ = ConnectAsync(detector, ct);
                break;
            case SimEventKind.Heartbeat when detector.Phase == DetectorPhase.Connected && !detector.IsConnected:
                // A loss no event reported: treat it like one.
                detector.End();
                Handle(e with { Kind = SimEventKind.Disconnected }, now);
                break;
            case SimEventKind.Heartbeat when detector.Phase == DetectorPhase.Connected:
                Schedule(e, now + options.Heartbeat.TotalSeconds);
                _ = PublishStateAsync(detector, changeUrl: false, ct);
                break;
            case SimEventKind.Resync when detector.Phase == DetectorPhase.Connected:
                _resyncs++;
                _ = ResyncAsync(detector, ct);
                break;
            default:
                detector.End();
                break;
        }
    }

    private SimulatedDetector? Pick()
    {
        for (var attempt = 0; attempt < PickAttempts; attempt++)
        {
            var detector = detectors[Random.Shared.Next(detectors.Count)];
            if (detector.Phase == DetectorPhase.Connected && detector.TryBegin())
            {
                return detector;
            }
        }

        return null;
    }

    private void Crash(SimulatedDetector detector, double now)
    {
        _crashes++;
        detector.Crash();
        detector.End();
        detector.Phase = DetectorPhase.Waiting;

        // A restarting agent: sometimes back within the will delay (no flicker), sometimes after it (lost, then online).
        var downtime = Math.Max(1, options.WillDelay.TotalSeconds) * (0.5 + Random.Shared.NextDouble());
        Schedule(new SimEvent(detector.Index, SimEventKind.Connect, detector.Generation), now + downtime);
    }

    public void Dispose() => _connecting.Dispose();

    private void Schedule(SimEvent e, double due) => _timers.Enqueue(e, due);
}
