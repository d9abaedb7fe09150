using System.Buffers;
using System.Collections;
using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Fleet.Api.Mqtt;

/// <summary>
/// MQTT 5 will delay (3.1.2.5, 3.1.3.2.2) for the embedded broker, as Mosquitto does it. MQTTnet 5.2 publishes a will
/// the moment a connection drops and never on DISCONNECT 0x04 ("disconnect with will"), so this class takes the will
/// out of the CONNECT once the login is accepted and owns it: a connection that ends without DISCONNECT, or with one
/// whose reason is not 0x00, gets its will published after min(will delay, session expiry); a DISCONNECT 0x00 discards
/// it; a new connection with the same client id before the delay ends cancels it. The will is published as its client
/// would, so the topic rules and the decommissioning check (EmbeddedBroker.InterceptPublishAsync) still apply.
/// Pending wills live in memory: a broker stop drops them (the API goes down with it).
/// </summary>
internal sealed partial class DelayedWills(TimeProvider clock, ILogger<DelayedWills> logger) : IDisposable
{
    // MQTTnet 5.2 exposes the will neither on ValidatingConnectionEventArgs nor anywhere else before it publishes it;
    // the CONNECT packet behind the event is the one the session keeps, so clearing its WillFlag stops MQTTnet's own
    // publish. Checked when the broker starts, so an MQTTnet upgrade that renames it fails loudly, not silently.
    private static readonly FieldInfo? ConnectPacketField =
        typeof(ValidatingConnectionEventArgs).GetField("_connectPacket", BindingFlags.Instance | BindingFlags.NonPublic);

    private readonly ConcurrentDictionary<string, ConnectedWill> _connected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingWill> _pending = new(StringComparer.Ordinal);
    private MqttServer? _server;

    /// <summary>Wills waiting for their delay to end.</summary>
    public int Pending => _pending.Count;

    /// <summary>Attach after the login checks: only an accepted connection's will is taken.</summary>
    public void Attach(MqttServer server)
    {
        if (ConnectPacketField?.FieldType != typeof(MqttConnectPacket))
        {
            throw new InvalidOperationException(
                "This MQTTnet version hides the CONNECT packet differently; the embedded broker's will delay needs MQTTnet.Server 5.2 (Directory.Packages.props).");
        }

        _server = server;
        server.ValidatingConnectionAsync += TakeWillAsync;
        server.ClientDisconnectedAsync += OnDisconnectedAsync;
    }

    public void Dispose()
    {
        foreach (var pending in _pending.Values)
        {
            pending.Timer?.Dispose();
        }

        _pending.Clear();
    }

    private Task TakeWillAsync(ValidatingConnectionEventArgs e)
    {
        if (e.ReasonCode != MqttConnectReasonCode.Success)
        {
            return Task.CompletedTask;
        }

        var clientId = string.IsNullOrEmpty(e.AssignedClientIdentifier) ? e.ClientId : e.AssignedClientIdentifier;
        if (_pending.TryRemove(clientId, out var pending))
        {
            // A new connection for this client id before the delay ended: the will is not sent (MQTT 5 3.1.2.5).
            pending.Timer?.Dispose();
            LogWillCancelled(clientId);
        }

        var packet = (MqttConnectPacket)ConnectPacketField!.GetValue(e)!;
        if (!packet.WillFlag || string.IsNullOrEmpty(packet.WillTopic))
        {
            _connected.TryRemove(clientId, out _);
            return Task.CompletedTask;
        }

        _connected[clientId] = new ConnectedWill(
            e.RemoteEndPoint, ToMessage(packet), TimeSpan.FromSeconds(packet.WillDelayInterval), TimeSpan.FromSeconds(packet.SessionExpiryInterval));
        packet.WillFlag = false;
        return Task.CompletedTask;
    }

    private async Task OnDisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        // Keyed by client id, but only this connection's will: a newer connection of the same id may have replaced it.
        if (!_connected.TryGetValue(e.ClientId, out var will) || !Equals(will.EndPoint, e.RemoteEndPoint)
            || !_connected.TryRemove(KeyValuePair.Create(e.ClientId, will)))
        {
            return;
        }

        if (DelayFor(e, will) is not { } delay)
        {
            return;
        }

        if (delay <= TimeSpan.Zero)
        {
            await PublishAsync(e.ClientId, e.UserName, e.SessionItems, will.Message);
            return;
        }

        var pending = new PendingWill(e.UserName, e.SessionItems, will.Message);
        if (_pending.TryRemove(e.ClientId, out var older))
        {
            older.Timer?.Dispose();
        }

        _pending[e.ClientId] = pending;
        pending.Timer = clock.CreateTimer(_ => _ = FireAsync(e.ClientId, pending), null, delay, Timeout.InfiniteTimeSpan);
        LogWillDelayed(e.ClientId, delay);
    }

    /// <summary>How long until the will is published; null when it is discarded.</summary>
    private static TimeSpan? DelayFor(ClientDisconnectedEventArgs e, ConnectedWill will)
    {
        switch (e.DisconnectType)
        {
            case MqttClientDisconnectType.Takeover:
                // The new connection of the same client id is already there: within any delay (Mosquitto sends it only
                // when the delay is zero).
                return will.Delay == TimeSpan.Zero ? TimeSpan.Zero : null;
            case MqttClientDisconnectType.Clean when e.ReasonCode is null or MqttDisconnectReasonCode.NormalDisconnection:
                return null;
        }

        // The DISCONNECT may shorten the session expiry of the CONNECT; the will waits at most until the session ends.
        var sessionExpiry = e.SessionExpiryInterval != 0 ? TimeSpan.FromSeconds(e.SessionExpiryInterval) : will.SessionExpiry;
        return will.Delay < sessionExpiry ? will.Delay : sessionExpiry;
    }

    private async Task FireAsync(string clientId, PendingWill pending)
    {
        if (!_pending.TryRemove(KeyValuePair.Create(clientId, pending)))
        {
            return;
        }

        pending.Timer?.Dispose();
        await PublishAsync(clientId, pending.Username, pending.SessionItems, pending.Message);
    }

    private async Task PublishAsync(string clientId, string? username, IDictionary sessionItems, MqttApplicationMessage message)
    {
        if (_server is null)
        {
            return;
        }

        try
        {
            await _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message)
            {
                SenderClientId = clientId,
                SenderUserName = username,
                CustomSessionItems = sessionItems,
            });
            LogWillPublished(clientId, message.Topic);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            LogWillLost(clientId, ex.Message);
        }
    }

    private static MqttApplicationMessage ToMessage(MqttConnectPacket packet) => new()
    {
        Topic = packet.WillTopic,
        Payload = new ReadOnlySequence<byte>(packet.WillMessage ?? []),
        QualityOfServiceLevel = packet.WillQoS,
        Retain = packet.WillRetain,
        ContentType = packet.WillContentType,
        PayloadFormatIndicator = packet.WillPayloadFormatIndicator,
        MessageExpiryInterval = packet.WillMessageExpiryInterval,
        ResponseTopic = packet.WillResponseTopic,
        CorrelationData = packet.WillCorrelationData,
        UserProperties = packet.WillUserProperties,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Embedded broker: the will of {ClientId} is published in {Delay} unless it reconnects")]
    private partial void LogWillDelayed(string clientId, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Embedded broker: {ClientId} reconnected within its will delay; its will is not published")]
    private partial void LogWillCancelled(string clientId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Embedded broker: published the will of {ClientId} to {Topic}")]
    private partial void LogWillPublished(string clientId, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded broker: the will of {ClientId} could not be published: {Message}")]
    private partial void LogWillLost(string clientId, string message);

    private sealed record ConnectedWill(EndPoint? EndPoint, MqttApplicationMessage Message, TimeSpan Delay, TimeSpan SessionExpiry);

    private sealed record PendingWill(string? Username, IDictionary SessionItems, MqttApplicationMessage Message)
    {
        public ITimer? Timer { get; set; }
    }
}
