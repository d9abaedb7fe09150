using Fleet.Api.Ingest;
using Fleet.Domain.Retry;
using Fleet.Domain.Topics;
using Fleet.Domain.Validation;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Api.Mqtt;

/// <summary>
/// The API's one long-lived MQTT client. A ping/reconnect loop keeps it connected (MQTTnet 5 has no managed
/// client); the session is durable (fixed client id, clean start off, a session expiry) so unacknowledged
/// messages survive an API restart, and it subscribes again after every connect, which also re-reads the retained
/// detector messages (what a session queue lost, the retained copy still has).
/// The API's own presence is retained on <c>fleet/v1/api/status</c>: <c>online</c> after every connect,
/// <c>offline</c> on a clean stop, and <c>offline</c> as the will when the connection dies. After a connect without
/// a session it asks every agent to republish on <c>fleet/v1/control/resync</c>, since messages may have been lost.
/// </summary>
internal sealed partial class MqttConnection : BackgroundService
{
    private readonly IMqttClient _client;
    private readonly IngestQueue _queue;
    private readonly IOptions<MqttOptions> _options;
    private readonly UrlPolicy _urlPolicy;
    private readonly TimeProvider _clock;
    private readonly ILogger<MqttConnection> _logger;
    private readonly BrokerCredentialSource _credentials;
    private CancellationToken _stopping;
    private long _subscribedConnection = -1;

    public MqttConnection(
        IngestQueue queue,
        IOptions<MqttOptions> options,
        IOptions<IngestOptions> ingestOptions,
        BrokerCredentialSource credentials,
        TimeProvider clock,
        ILogger<MqttConnection> logger)
    {
        _queue = queue;
        _options = options;
        _credentials = credentials;
        _clock = clock;
        _logger = logger;
        _urlPolicy = Links.TunnelUrlPolicy.For(ingestOptions.Value);
        _client = new MqttClientFactory().CreateMqttClient();

        // Attached before the first connect so no delivery can arrive without a handler.
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    public bool IsConnected => _client.IsConnected;

    /// <summary>Connected and subscribed: what readiness means for ingest.</summary>
    public bool IsReady => _client.IsConnected && Volatile.Read(ref _subscribedConnection) == Reconnects;

    public long Reconnects { get; private set; }

    /// <summary>When the current (or last) connection was established, on the API's clock.</summary>
    public DateTimeOffset? ConnectedAt { get; private set; }

    public Task<MqttClientPublishResult> PublishAsync(MqttApplicationMessage message, CancellationToken ct) =>
        _client.PublishAsync(message, ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var options = _options.Value;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = options.PingInterval;
            try
            {
                if (!await IsAliveAsync(options, stoppingToken))
                {
                    failures = await ConnectAsync(stoppingToken) ? 0 : failures + 1;
                    if (failures > 0)
                    {
                        delay = Backoff.Delay(failures, options.ReconnectMinDelay, options.ReconnectMaxDelay);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                delay = Backoff.Delay(failures, options.ReconnectMinDelay, options.ReconnectMaxDelay);
                LogConnectFailed(options.Host, options.Port, delay, ex.Message);
            }

            try
            {
                await Task.Delay(delay, _clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_client.IsConnected)
        {
            try
            {
                // A clean disconnect suppresses the will, so the API says it is going itself.
                await PublishApiStatusAsync(OfflineState, cancellationToken);
                await _client.DisconnectAsync(
                    new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(),
                    cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogDisconnectFailed(ex.Message);
            }
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// A ping with a deadline. MQTTnet's own keep-alive does not notice a broker that keeps the socket open and answers
    /// nothing (a SIGSTOPped or wedged broker, a half-open link): the client still says connected and a ping without a
    /// deadline waits forever, which stalled this loop for the whole outage. An answer missing for ConnectTimeout means
    /// the link is dead; the connect that follows drops it first.
    /// </summary>
    private async Task<bool> IsAliveAsync(MqttOptions options, CancellationToken stoppingToken)
    {
        if (!_client.IsConnected)
        {
            return false;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(options.ConnectTimeout);
        try
        {
            await _client.PingAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            LogPingUnanswered(options.Host, options.Port, options.ConnectTimeout);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Drops a connection the client still believes in, so the next connect can start from scratch.</summary>
    private async Task DropDeadConnectionAsync(MqttOptions options)
    {
        if (!_client.IsConnected)
        {
            return;
        }

        using var deadline = new CancellationTokenSource(options.ConnectTimeout);
        try
        {
            // Keeps the will: the broker (if it ever reads this) should not hear a clean goodbye from a link that died.
            await _client.DisconnectAsync(
                new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.DisconnectWithWillMessage).Build(),
                deadline.Token);
        }
        catch (Exception ex)
        {
            LogDisconnectFailed(ex.Message);
        }
    }

    private async Task<bool> ConnectAsync(CancellationToken ct)
    {
        var options = _options.Value;
        await DropDeadConnectionAsync(options);
        var (username, password) = _credentials.ForApi();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(options.ClientId)
            .WithCredentials(username, password)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)SessionExpiry(options).TotalSeconds)
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithTimeout(options.ConnectTimeout)
            .WithReceiveMaximum((ushort)_queue.Capacity)
            .WithWillTopic(FleetTopics.ApiStatus)
            .WithWillPayload(ApiStatusPayload(OfflineState))
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (options.UseTls)
        {
            builder = builder.WithTlsOptions(tls => tls.UseTls());
        }

        var connect = builder.Build();

        // MQTTnet sets SO_RCVBUF/SO_SNDBUF from BufferSize (8 KiB by default), which turns off the kernel's window
        // autotuning and pins the TCP receive window near 8 KiB. On a busy machine the broker then waits on a window
        // the process empties only when it is scheduled: end-to-end ingest fell to a few hundred msg/s and freshness
        // to seconds (measured with benchmarks/run.sh). 4 MiB (capped by net.core.rmem_max) lets the kernel absorb bursts.
        ((MqttClientTcpOptions)connect.ChannelOptions).BufferSize = 4 * 1024 * 1024;
        var result = await _client.ConnectAsync(connect, ct);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            LogConnectRefused(options.Host, options.Port, result.ResultCode.ToString());
            return false;
        }

        Reconnects++;
        ConnectedAt = _clock.GetUtcNow();
        LogConnected(options.Host, options.Port, result.IsSessionPresent);
        // Subscribed after every connect, session or not: the SUBSCRIBE makes the broker send every retained status and
        // state again, which repairs what a session could not hold (Mosquitto silently drops a queue beyond
        // max_queued_messages; a broker back from a stale autosave has an old queue). The version guard makes what we
        // already had a no-op.
        await SubscribeAsync(ct);
        if (IsShared(options))
        {
            // A shared subscription must not get retained messages (MQTT 5 §4.8.2), so a plain one fetches them.
            await RereadRetainedAsync(ct);
        }

        Volatile.Write(ref _subscribedConnection, Reconnects);
        await AnnounceAsync(result.IsSessionPresent, ct);
        return true;
    }

    private async Task SubscribeAsync(CancellationToken ct)
    {
        var options = _options.Value;
        var filter = string.IsNullOrWhiteSpace(options.SharedGroup)
            ? FleetTopics.AllDetectorTopics
            : FleetTopics.Shared(options.SharedGroup, FleetTopics.AllDetectorTopics);
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        if (IsShared(options))
        {
            // A member of a group watches the others' presence, to take over what a dead member held (Peers).
            subscribe = subscribe.WithTopicFilter(f => f.WithTopic(FleetTopics.ApiStatus).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        }

        var result = await _client.SubscribeAsync(subscribe.Build(), ct);
        foreach (var item in result.Items)
        {
            if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                LogSubscribeRefused(item.TopicFilter.Topic, item.ResultCode.ToString());
            }
            else
            {
                LogSubscribed(item.TopicFilter.Topic);
            }
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs delivery)
    {
        if (delivery.ApplicationMessage.Topic == FleetTopics.ApiStatus)
        {
            // Not a detector message: acknowledged at once, never handed to the ingest.
            OnPeerStatus(delivery.ApplicationMessage);
            return Task.CompletedTask;
        }

        // Must be set before the first await: the acknowledgement waits for the database commit.
        delivery.AutoAcknowledge = false;
        var item = IngestParser.Parse(delivery, _urlPolicy);
        return _queue.EnqueueAsync(item, _stopping).AsTask();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to the MQTT broker at {Host}:{Port} (session present: {SessionPresent})")]
    private partial void LogConnected(string host, int port, bool sessionPresent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The MQTT broker at {Host}:{Port} refused the connection: {ResultCode}")]
    private partial void LogConnectRefused(string host, int port, string resultCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach the MQTT broker at {Host}:{Port}, retrying in {Delay}: {Message}")]
    private partial void LogConnectFailed(string host, int port, TimeSpan delay, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The MQTT broker at {Host}:{Port} did not answer a ping within {Timeout}: reconnecting")]
    private partial void LogPingUnanswered(string host, int port, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed to {Filter}")]
    private partial void LogSubscribed(string filter);

    [LoggerMessage(Level = LogLevel.Error, Message = "The broker refused the subscription to {Filter}: {ResultCode}")]
    private partial void LogSubscribeRefused(string filter, string resultCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disconnecting from the MQTT broker failed: {Message}")]
    private partial void LogDisconnectFailed(string message);
}
