using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Server;

namespace Fleet.Api.Mqtt;

/// <summary>
/// MQTT over WebSockets on the API's own HTTP endpoints (<c>wss://host/mqtt</c> through the HTTPS port, so a detector
/// on a network that lets only 443 out still gets in): each WebSocket with subprotocol <c>mqtt</c> becomes a
/// <see cref="BrokerConnection"/>, admitted through <see cref="BrokerConnections"/> like a TCP one, so the connection
/// caps, the <see cref="EmbeddedBrokerOptions.ConnectTimeout"/> and the packet limits hold here too.
/// </summary>
internal sealed partial class BrokerWebSockets(IOptions<MqttOptions> options, TimeProvider clock, ILogger<BrokerWebSockets> logger) : IMqttServerAdapter
{
    public const string SubProtocol = "mqtt";
    private BrokerConnections? _connections;
    private BrokerRefusalLog? _refusals;
    private MqttServerOptions? _serverOptions;
    private IMqttNetLogger? _mqttLogger;
    private long _sequence;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>The configured path, or null when WebSockets are off (or the broker is external).</summary>
    public string? Path => options.Value.Mode == MqttMode.Embedded && options.Value.Embedded.WebSocketPath is { Length: > 0 } path ? path : null;

    private bool Started => _serverOptions is not null && _connections is not null;

    /// <summary>Called by <see cref="BrokerTransports"/> before the server starts this adapter.</summary>
    public void Attach(BrokerConnections connections, BrokerRefusalLog refusals)
    {
        _connections = connections;
        _refusals = refusals;
    }

    public Task StartAsync(MqttServerOptions serverOptions, IMqttNetLogger logger)
    {
        _mqttLogger = logger;
        _serverOptions = serverOptions;
        return Task.CompletedTask;
    }

    public Task StopAsync()
    {
        _serverOptions = null;
        return Task.CompletedTask;
    }

    public void Dispose()
    {
    }

    /// <summary>Serves one request to the WebSocket path until its MQTT connection ends.</summary>
    public async Task ServeAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Refuse(StatusCodes.Status400BadRequest, "MQTT over WebSockets: connect with a WebSocket client using the subprotocol 'mqtt' (e.g. wss://host" + Path + ").").ExecuteAsync(context);
            return;
        }

        if (!context.WebSockets.WebSocketRequestedProtocols.Contains(SubProtocol, StringComparer.OrdinalIgnoreCase))
        {
            await Refuse(StatusCodes.Status400BadRequest, "MQTT over WebSockets needs the WebSocket subprotocol 'mqtt' (Sec-WebSocket-Protocol: mqtt).").ExecuteAsync(context);
            return;
        }

        var handler = ClientHandler;
        var (connections, serverOptions, mqttLogger) = (_connections, _serverOptions, _mqttLogger);
        if (!Started || handler is null || connections is null || serverOptions is null || mqttLogger is null)
        {
            await Refuse(StatusCodes.Status503ServiceUnavailable, "The embedded MQTT broker is not running.", "Broker not running").ExecuteAsync(context);
            return;
        }

        var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = SubProtocol });
        var peer = new WebSocketPeer(context.Connection.RemoteIpAddress ?? IPAddress.None, context.Connection.RemotePort, Interlocked.Increment(ref _sequence));
        var local = new IPEndPoint(context.Connection.LocalIpAddress ?? IPAddress.None, context.Connection.LocalPort);
        var connection = connections.TryAdmit(peer, () => new BrokerConnection(
            WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: true), peer, local, () => Abort(socket, context), options.Value.Embedded, clock), out var refusal);
        if (connection is null)
        {
            _refusals?.ConnectionRefused(peer, refusal!);
            Abort(socket, context);
            return;
        }

        try
        {
            var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(serverOptions.WriterBufferSize, serverOptions.WriterBufferSizeMax));
            using var adapter = new MqttChannelAdapter(connection, formatter, mqttLogger);
            await handler(adapter);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // MQTTnet handles protocol and transport errors itself; whatever else ends only this connection.
            _refusals?.ConnectionFailed(peer, ex.GetType().Name);
        }
        finally
        {
            connections.Remove(connection);
            connection.Dispose();
        }
    }

    private ProblemHttpResult Refuse(int status, string detail, string title = "Not an MQTT WebSocket")
    {
        LogRefused(status, detail);
        return TypedResults.Problem(detail, statusCode: status, title: title);
    }

    private static void Abort(WebSocket socket, HttpContext context)
    {
        socket.Abort();
        context.Abort();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT WebSocket request refused ({Status}): {Detail}")]
    private partial void LogRefused(int status, string detail);

    /// <summary>
    /// The client's address and port, made unique per WebSocket: behind a trusted proxy the forwarded address comes
    /// without a port, and HTTP/2 carries several WebSockets on one connection, yet the broker finds a connection by it.
    /// </summary>
    private sealed class WebSocketPeer(IPAddress address, int port, long id) : IPEndPoint(address, port)
    {
        public override bool Equals(object? comparand) => comparand is WebSocketPeer other && other.Id == Id;

        public override int GetHashCode() => Id.GetHashCode();

        private long Id => id;
    }
}
