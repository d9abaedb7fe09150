using System.Text.Json;
using System.Threading.Channels;
using Fleet.Agent.Checks;
using Fleet.Agent.Configuration;
using Fleet.Agent.Health;
using Fleet.Agent.Tunnels;
using Fleet.Domain.Messages;
using Fleet.Domain.Retry;
using Fleet.Domain.Topics;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Publishing;

/// <summary>
/// Tells the fleet where this Pi can be reached: `online` and the full state after every connection, the state
/// again at once on any change (debounced) and every heartbeat, and `offline` on a clean stop. While the broker
/// is unreachable only the latest state is kept (nothing queues up); it is published after the reconnect.
/// </summary>
internal sealed partial class AgentPublisher(
    IOptions<AgentOptions> options,
    ITunnelProvider provider,
    CheckStore checks,
    HealthStore health,
    MqttLink link,
    AgentStatusFile statusFile,
    TimeProvider clock,
    ILogger<AgentPublisher> logger) : BackgroundService
{
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private readonly DateTimeOffset _startedAt = clock.GetUtcNow();
    private long _seq;
    private long _seqEpoch = -1;
    private DateTimeOffset? _connectedSince;
    private DateTimeOffset? _lastPublishedAt;
    private string? _lastError;
    private volatile int _takeovers;

    private AgentOptions Options => options.Value;

    private string DetectorId => Options.DetectorId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        provider.Changed += Signal;
        checks.Changed += Signal;
        health.Changed += Signal;
        link.ResyncRequested += Signal;
        var providerTask = RunProviderAsync(stoppingToken);
        await Task.WhenAll(ConnectionLoopAsync(stoppingToken), PublishLoopAsync(stoppingToken));
        await providerTask;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!link.IsConnected)
        {
            return;
        }

        try
        {
            var offline = new StatusMessage { State = Presence.Offline, Epoch = link.Epoch, Instance = link.Instance, At = clock.GetUtcNow(), Reason = "shutdown" };
            await link.PublishAsync(FleetTopics.Status(DetectorId), MqttLink.Json(offline), cancellationToken);
            await link.DisconnectAsync(cancellationToken);
            LogStopped();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogGoodbyeFailed(ex.Message);
        }

        WriteStatus(connected: false);
    }

    public override void Dispose()
    {
        _publishing.Dispose();
        base.Dispose();
    }

    private void Signal() => _signals.Writer.TryWrite(true);

    private async Task RunProviderAsync(CancellationToken ct)
    {
        try
        {
            await provider.RunAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task ConnectionLoopAsync(CancellationToken ct)
    {
        var failures = 0;
        var connectedAt = clock.GetTimestamp();
        while (!ct.IsCancellationRequested)
        {
            var delay = Options.Mqtt.PingInterval;
            try
            {
                if (await link.EnsureConnectedAsync(ct))
                {
                    failures = 0;
                    connectedAt = clock.GetTimestamp();
                    _connectedSince = clock.GetUtcNow();
                    _lastError = null;
                    await PublishAllAsync(ct);
                }
                else if (_takeovers > 0 && clock.GetElapsedTime(connectedAt) >= 2 * Options.Mqtt.TakeoverMaxDelay)
                {
                    // The other client has had every chance to come back and did not: it is gone.
                    _takeovers = 0;
                    await PublishAllAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (MqttTakenOverException ex)
            {
                var takeovers = ++_takeovers;
                _lastError = ex.Message;
                _connectedSince = null;
                delay = Backoff.Delay(takeovers, Options.Mqtt.TakeoverMinDelay, Options.Mqtt.TakeoverMaxDelay);
                LogTakenOver(DetectorId, takeovers, ex.Message, delay);
                WriteStatus(connected: false);
            }
            catch (Exception ex)
            {
                failures++;
                _lastError = ex.Message;
                _connectedSince = null;
                delay = Backoff.Delay(failures, Options.Mqtt.ReconnectMinDelay, Options.Mqtt.ReconnectMaxDelay);
                LogConnectFailed(link.Broker, delay, ex.Message);
                WriteStatus(connected: false);
            }

            await DelayAsync(delay, ct);
        }
    }

    private async Task PublishLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // One timer per wait, cancelled when a change comes first, so bursts leave no timers behind.
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var heartbeat = Task.Delay(Options.Heartbeat, clock, wait.Token);
                var signal = _signals.Reader.WaitToReadAsync(wait.Token).AsTask();
                var first = await Task.WhenAny(heartbeat, signal);
                await wait.CancelAsync();
                ct.ThrowIfCancellationRequested();
                if (first == signal && signal.IsCompletedSuccessfully)
                {
                    // Debounce: a burst of changes (ngrok starting several tunnels) becomes one message.
                    await Task.Delay(Options.Debounce, clock, ct);
                    _signals.Reader.TryRead(out _);
                }

                if (link.IsConnected)
                {
                    await PublishAllAsync(ct);
                }
                else
                {
                    WriteStatus(connected: false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _lastError = ex.Message;
                LogPublishFailed(ex.Message);
            }
        }
    }

    /// <summary>Presence and the full state; sent after every connection, on change and every heartbeat.</summary>
    private async Task PublishAllAsync(CancellationToken ct)
    {
        await _publishing.WaitAsync(ct);
        try
        {
            var epoch = link.Epoch;
            if (_seqEpoch != epoch)
            {
                _seqEpoch = epoch;
                _seq = 0;
                var online = new StatusMessage { State = Presence.Online, Epoch = epoch, Instance = link.Instance, At = clock.GetUtcNow() };
                await link.PublishAsync(FleetTopics.Status(DetectorId), MqttLink.Json(online), ct);
            }

            var snapshot = provider.Current;
            var state = new StateMessage
            {
                Schema = StateMessage.CurrentSchema,
                DetectorId = DetectorId,
                Epoch = epoch,
                Seq = _seq,
                Instance = link.Instance,
                SentAt = clock.GetUtcNow(),
                HeartbeatSeconds = (int)Options.Heartbeat.TotalSeconds,
                Tunnels = checks.Attach(snapshot.Tunnels),
                Provider = snapshot.Provider,
                Agent = AgentInfo.Describe(_startedAt, _takeovers),
                Health = health.Current,
            };
            await link.PublishAsync(FleetTopics.State(DetectorId), JsonSerializer.Serialize(state, FleetJsonContext.Default.StateMessage), ct);
            _seq++;
            _lastPublishedAt = clock.GetUtcNow();
            LogPublished(epoch, state.Seq, snapshot.Tunnels.Count, snapshot.Provider.State ?? "?");
            WriteStatus(connected: true);
        }
        finally
        {
            _publishing.Release();
        }
    }

    private void WriteStatus(bool connected)
    {
        try
        {
            var snapshot = provider.Current;
            statusFile.Write(new AgentStatus
            {
                DetectorId = DetectorId,
                Broker = link.Broker,
                Connected = connected && link.IsConnected,
                ConnectedSince = _connectedSince,
                LastError = _lastError,
                Epoch = _seqEpoch >= 0 ? _seqEpoch : null,
                Seq = _seq > 0 ? _seq - 1 : null,
                LastPublishedAt = _lastPublishedAt,
                Tunnels = checks.Attach(snapshot.Tunnels),
                Provider = snapshot.Provider,
                Health = health.Current,
                UpdatedAt = clock.GetUtcNow(),
            });
        }
        catch (IOException ex)
        {
            LogStatusFileFailed(ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            LogStatusFileFailed(ex.Message);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, clock, ct);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published state epoch {Epoch} seq {Seq}: {Tunnels} tunnel(s), provider {ProviderState}")]
    private partial void LogPublished(long epoch, long seq, int tunnels, string providerState);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot connect to the broker {Broker}, retrying in {Delay}: {Message}")]
    private partial void LogConnectFailed(string broker, TimeSpan delay, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Another client took the MQTT session of {DetectorId} over ({Takeovers} time(s) in a row: {Reason}): is this SD card cloned onto a second Pi? Each detector needs its own identity. Reconnecting in {Delay}")]
    private partial void LogTakenOver(string detectorId, int takeovers, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing failed: {Message}")]
    private partial void LogPublishFailed(string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not say goodbye to the broker: {Message}")]
    private partial void LogGoodbyeFailed(string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published offline and disconnected")]
    private partial void LogStopped();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the status file: {Message}")]
    private partial void LogStatusFileFailed(string message);
}
