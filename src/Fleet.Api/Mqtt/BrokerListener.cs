using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Server;

namespace Fleet.Api.Mqtt;

/// <summary>
/// The embedded broker's TCP listener, in place of MQTTnet's own: it accepts sockets with the configured backlog,
/// admits each through <see cref="BrokerConnections"/> (a refused one is closed at once, so it holds no descriptor), and
/// hands MQTTnet a <see cref="BrokerConnection"/> as the channel. With a <paramref name="certificate"/> it is the TLS
/// listener on its <paramref name="port"/>: the handshake runs within the connection's
/// <see cref="EmbeddedBrokerOptions.ConnectTimeout"/>, so a client that never completes it is closed like a silent one.
/// </summary>
internal sealed class BrokerListener(
    EmbeddedBrokerOptions options,
    BrokerConnections connections,
    BrokerRefusalLog refusals,
    TimeProvider clock,
    int port,
    BrokerCertificate? certificate = null) : IMqttServerAdapter
{
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    public Task StartAsync(MqttServerOptions serverOptions, IMqttNetLogger logger)
    {
        _listener = Listen(IPAddress.Parse(options.BindAddress));
        _accepting = Task.Run(() => AcceptAsync(_listener, serverOptions, logger));
        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        _listener?.Dispose();
        await _accepting;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener?.Dispose();
        _stopping.Dispose();
    }

    private Socket Listen(IPAddress address)
    {
        // "Any" listens on IPv6 as well, as MQTTnet's own listener did, through one dual-mode socket.
        var dualMode = address.Equals(IPAddress.Any) && Socket.OSSupportsIPv6;
        var bound = dualMode ? IPAddress.IPv6Any : address;
        var socket = new Socket(bound.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (dualMode)
            {
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(bound, port));
            socket.Listen(options.ConnectionBacklog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AcceptAsync(Socket listener, MqttServerOptions serverOptions, IMqttNetLogger logger)
    {
        var ct = _stopping.Token;
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(ct);
            }
            catch (Exception ex) when (ct.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Typically out of descriptors: wait a little rather than spin; the caps should keep this from happening.
                refusals.AcceptFailed(ex.SocketErrorCode.ToString());
                await Task.Delay(TimeSpan.FromMilliseconds(100), clock, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }

            var connection = connections.TryAdmit(socket, certificate, out var refusal);
            if (connection is null)
            {
                refusals.ConnectionRefused(socket.RemoteEndPoint, refusal!);
                socket.Dispose();
                continue;
            }

            socket.NoDelay = true;
            _ = Task.Run(() => ServeAsync(connection, serverOptions, logger), CancellationToken.None);
        }
    }

    private async Task ServeAsync(BrokerConnection connection, MqttServerOptions serverOptions, IMqttNetLogger logger)
    {
        try
        {
            var handler = ClientHandler;
            if (connection.Tls is { } tls && certificate is not null && !await HandshakeAsync(connection, tls, certificate))
            {
                return;
            }

            if (handler is not null)
            {
                var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(serverOptions.WriterBufferSize, serverOptions.WriterBufferSizeMax));
                using var adapter = new MqttChannelAdapter(connection, formatter, logger);
                await handler(adapter);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // MQTTnet handles protocol and socket errors itself; whatever else ends only this connection.
            refusals.ConnectionFailed(connection.RemoteEndPoint, ex.GetType().Name);
        }
        finally
        {
            connections.Remove(connection);
            connection.Dispose();
        }
    }

    private async Task<bool> HandshakeAsync(BrokerConnection connection, SslStream tls, BrokerCertificate certificate)
    {
        try
        {
            await tls.AuthenticateAsServerAsync(certificate.Current, connection.Aborted);
            return true;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Plain text sent to the TLS port, an untrusted certificate on the client's side, or no handshake in time.
            refusals.ConnectionFailed(connection.RemoteEndPoint, "TLS handshake failed: " + ex.GetType().Name);
            return false;
        }
    }
}
