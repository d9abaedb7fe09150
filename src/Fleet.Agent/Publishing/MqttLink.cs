using System.Buffers;
using System.Text.Json;
using Fleet.Agent.Configuration;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Fleet.Agent.Publishing;

/// <summary>
/// The agent's MQTT connection. Every connection attempt takes the next epoch from disk first, so the will
/// registered with it (lost, retained, delayed) carries that epoch. The session outlives the will delay so a
/// quick reconnect (a modem re-attach) suppresses the will instead of flapping the detector.
/// </summary>
internal sealed partial class MqttLink : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly AgentOptions _options;
    private readonly EpochStore _epochs;
    private readonly TimeProvider _clock;
    private readonly ILogger<MqttLink> _logger;
    private readonly EndpointSelector _endpoints;
    private readonly MqttTls _tls;
    private TaskCompletionSource<long?>? _recovery;
    private volatile bool _ready;
    private volatile bool _closing;
    private volatile string? _closedByBroker;
    private volatile bool _takenOver;

    public MqttLink(IOptions<AgentOptions> options, EpochStore epochs, TimeProvider clock, ILogger<MqttLink> logger)
    {
        _options = options.Value;
        _epochs = epochs;
        _clock = clock;
        _logger = logger;
        _endpoints = new EndpointSelector(MqttEndpoints.From(_options.Mqtt), _options.Mqtt.PreferredEndpointRetry, clock);
        _tls = new MqttTls(_options.Mqtt);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    /// <summary>Raised when the API asks every agent to republish (it lost its session).</summary>
    public event Action? ResyncRequested;

    /// <summary>Connected with a will and an epoch (not the brief epoch-recovery connection).</summary>
    public bool IsConnected => _ready && _client.IsConnected;

    /// <summary>The epoch of the current (or last) connection.</summary>
    public long Epoch { get; private set; }

    /// <summary>This installation's incarnation id (EpochStore), in every status and state it publishes.</summary>
    public string Instance => _epochs.Instance;

    /// <summary>The endpoint in use (or tried next), as a URI without credentials.</summary>
    public string Broker => _endpoints.Current.Address;

    private string DetectorId => _options.DetectorId;

    /// <summary>Connects if not connected; true when a new connection was made (publish everything again).</summary>
    public async Task<bool> EnsureConnectedAsync(CancellationToken ct)
    {
        if (_ready && await _client.TryPingAsync(ct))
        {
            if (!_endpoints.PreferredDue || !await _endpoints.PreferredReachableAsync(_options.Mqtt.ConnectTimeout, ct))
            {
                return false;
            }

            // The preferred endpoint answers again: a clean disconnect (no will) and a new connection through it.
            var from = Broker;
            await DisconnectAsync(ct);
            var preferred = _endpoints.ReturnToPreferred();
            LogReturning(from, preferred.Address);
        }

        // A ping cut short by the stop says nothing about the connection: keep it, so the stop can still say offline
        // and disconnect cleanly (otherwise the broker publishes the will: "lost" instead of "offline").
        ct.ThrowIfCancellationRequested();
        _ready = false;
        if (Interlocked.Exchange(ref _closedByBroker, null) is { } why)
        {
            // Reconnecting at once would kick the other client off, which would do the same to us: the caller waits.
            _takenOver = true;
            throw new MqttTakenOverException(why);
        }

        for (var tried = 1; ; tried++)
        {
            var endpoint = _endpoints.Current;
            try
            {
                // With alternatives, a TCP connect first, bounded: MQTTnet's own timeout did not end a connect to a port
                // that drops packets (the agent hung there for minutes), which is exactly the 8883 a guest network blocks.
                if (_endpoints.Count > 1 && !endpoint.IsWebSocket)
                {
                    await EndpointSelector.ConnectTcpAsync(endpoint, _options.Mqtt.ConnectTimeout, ct);
                }

                await ConnectAsync(ct);
                break;
            }
            catch (Exception ex) when (_endpoints.Count > 1 && IsUnreachable(ex) && !ct.IsCancellationRequested)
            {
                // Logged once per change of endpoint; the caller logs the failure of a whole round.
                LogEndpointFailed(endpoint.Address, ConnectFailure.Describe(ex), _endpoints.Advance().Address);
                if (tried >= _endpoints.Count)
                {
                    throw;
                }
            }
        }

        _endpoints.Connected();
        return true;
    }

    /// <summary>
    /// Another endpoint may work where this one failed: anything but the broker's refusal of the login (a stop is
    /// excluded by the caller; MQTTnet's connect timeout is an OperationCanceledException too).
    /// </summary>
    private static bool IsUnreachable(Exception ex) => ex is not MqttRefusedException;

    /// <summary>Connects through the current endpoint, with a will and the next epoch.</summary>
    private async Task ConnectAsync(CancellationToken ct)
    {
        // After a takeover the other client (a clone of this card) has been counting epochs from the same file: start
        // above the epoch of the last state it published, or this detector's newer states would be ignored as stale.
        if (ReadStoredEpoch() is null || _takenOver)
        {
            await RecoverEpochAsync(ct);
            _takenOver = false;
        }

        Epoch = _epochs.Next();
        var will = Json(new StatusMessage { State = Presence.Lost, Epoch = Epoch, Instance = Instance, Reason = "connection-lost" });
        var mqtt = _options.Mqtt;
        var builder = BaseOptions()
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)Math.Max(60, mqtt.WillDelay.TotalSeconds * 6))
            .WithWillTopic(FleetTopics.Status(DetectorId))
            .WithWillPayload(will)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillDelayInterval((uint)mqtt.WillDelay.TotalSeconds);
        _closing = false;
        var result = await _client.ConnectAsync(builder.Build(), ct);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new MqttRefusedException($"the broker {Broker} refused the connection: {result.ResultCode}");
        }

        if (!result.IsSessionPresent)
        {
            await _client.SubscribeAsync(
                new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(FleetTopics.ControlResync, MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build(),
                ct);
        }

        _ready = true;
        LogConnected(Broker, Epoch, result.IsSessionPresent);
    }

    public async Task PublishAsync(string topic, string payload, CancellationToken ct)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(true)
            .Build();
        var result = await _client.PublishAsync(message, ct);
        if (!result.IsSuccess)
        {
            LogPublishRefused(topic, result.ReasonCode.ToString());
        }
    }

    /// <summary>A clean goodbye: no will is published for a normal disconnect.</summary>
    public async Task DisconnectAsync(CancellationToken ct)
    {
        _closing = true;
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(
                new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(),
                ct);
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    public static string Json(StatusMessage status) => JsonSerializer.Serialize(status, FleetJsonContext.Default.StatusMessage);

    private MqttClientOptionsBuilder BaseOptions()
    {
        var mqtt = _options.Mqtt;
        var builder = new MqttClientOptionsBuilder()
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(mqtt.ClientId ?? DetectorId)
            .WithCredentials(mqtt.Username ?? DetectorId, MqttPassword.Read(mqtt))
            .WithKeepAlivePeriod(mqtt.KeepAlive)
            .WithTimeout(mqtt.ConnectTimeout);
        return MqttTransportOptions.Apply(builder, _endpoints.Current, mqtt, _tls);
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        if (topic == FleetTopics.ControlResync)
        {
            ResyncRequested?.Invoke();
        }
        else if (topic == FleetTopics.State(DetectorId) && _recovery is { } recovery)
        {
            recovery.TrySetResult(ReadEpoch(e.ApplicationMessage.Payload));
        }

        return Task.CompletedTask;
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        // Another client with this identity logged in: an MQTT 5 broker says so (0x8E); Mosquitto 2.0 just closes the
        // socket in order, which nothing else in a healthy network does (a dead link times out or is reset, a broker
        // going down refuses the reconnect).
        if (e.ClientWasConnected && !_closing)
        {
            if (e.Reason == MqttClientDisconnectReason.SessionTakenOver)
            {
                _closedByBroker = $"another client connected to {Broker} as {DetectorId} and took the session over (MQTT 5 reason 0x8E)";
            }
            else if (e.Exception is null)
            {
                _closedByBroker = $"the broker {Broker} closed the connection without a reason, as Mosquitto does when another client connects as {DetectorId}";
            }
        }

        if (e.ClientWasConnected)
        {
            LogDisconnected(Broker, e.Reason, e.ReasonString ?? e.Exception?.Message);
        }

        return Task.CompletedTask;
    }
}
