using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;

namespace Fleet.Api.Mqtt;

/// <summary>
/// One accepted connection of the embedded broker (plain TCP, TLS or a WebSocket: a byte stream and a way to abort
/// it), as the channel MQTTnet reads and writes. Until its CONNECT is
/// accepted it is bounded in time (closed after <see cref="EmbeddedBrokerOptions.ConnectTimeout"/>) and in packet size
/// (<see cref="EmbeddedBrokerOptions.MaxUnauthenticatedPacketSize"/>); after, by <see cref="EmbeddedBrokerOptions.MaxPacketSize"/>.
/// It also carries the identity its login proved, which the broker writes into the session on every connect.
/// </summary>
internal sealed class BrokerConnection : IMqttChannel
{
    private readonly Stream _stream;
    private readonly Action _abort;
    private readonly EmbeddedBrokerOptions _options;
    private readonly MqttFrameGuard _guard = new();
    private readonly CancellationTokenSource _aborted = new();
    private readonly ITimer _deadline;

    // The token reads wait on: the caller's token linked with _aborted, made again only when the caller's token
    // changes. A byte stream is read by one reader at a time, and MQTTnet passes one token for the CONNECT and one
    // for the receive loop after it, so a connection links at most twice instead of once per read.
    private CancellationTokenSource? _readLink;
    private CancellationToken _readCaller;
    private volatile BrokerIdentity? _identity;
    private int _closed;

    /// <param name="stream">What MQTT is read from and written to; an <see cref="SslStream"/> is authenticated by the caller.</param>
    /// <param name="abort">Closes the transport under the stream, so a pending read, write or TLS handshake ends.</param>
    public BrokerConnection(Stream stream, EndPoint remoteEndPoint, EndPoint localEndPoint, Action abort, EmbeddedBrokerOptions options, TimeProvider clock)
    {
        _stream = stream;
        _abort = abort;
        _options = options;
        RemoteEndPoint = remoteEndPoint;
        LocalEndPoint = localEndPoint;
        IsSecureConnection = stream is SslStream;
        Address = AddressOf(RemoteEndPoint);
        _deadline = clock.CreateTimer(static state => ((BrokerConnection)state!).CloseIfNotLoggedIn(), this, options.ConnectTimeout, Timeout.InfiniteTimeSpan);
    }

    public IPAddress Address { get; }

    public EndPoint RemoteEndPoint { get; }

    public EndPoint LocalEndPoint { get; }

    public X509Certificate2? ClientCertificate => null;

    /// <summary>TLS (on the broker's TLS port); a WebSocket's encryption is the HTTP server's and not seen here.</summary>
    public bool IsSecureConnection { get; }

    /// <summary>The TLS stream of a TLS connection, to authenticate before MQTT starts; null otherwise.</summary>
    public SslStream? Tls => _stream as SslStream;

    /// <summary>Ends when the connection is closed (the deadline, an eviction, a frame over the limit).</summary>
    public CancellationToken Aborted => _aborted.Token;

    /// <summary>Who logged in on this connection; null until its CONNECT was accepted.</summary>
    public BrokerIdentity? Identity => _identity;

    public bool IsLoggedIn => _identity is not null;

    /// <summary>Its place in <see cref="BrokerConnections"/>' admission order while it has not logged in; guarded by that class's lock.</summary>
    internal LinkedListNode<BrokerConnection>? PendingNode { get; set; }

    /// <summary>Set when the CONNECT was accepted: lifts the deadline and the small packet limit.</summary>
    public void LogIn(BrokerIdentity identity)
    {
        _identity = identity;
        _deadline.Dispose();
    }

    public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DisconnectAsync(CancellationToken cancellationToken)
    {
        Close();
        return Task.CompletedTask;
    }

    public async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        var read = await _stream.ReadAsync(buffer.AsMemory(offset, count), ReadToken(cancellationToken));
        var limit = IsLoggedIn ? _options.MaxPacketSize : _options.MaxUnauthenticatedPacketSize;
        if (read > 0 && !_guard.Accept(buffer.AsSpan(offset, read), limit))
        {
            // The declared length never reaches MQTTnet, which would allocate it: to MQTTnet the connection just ended.
            Close();
            return 0;
        }

        return read;
    }

    public async Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _aborted.Token);
        foreach (var segment in buffer)
        {
            await _stream.WriteAsync(segment, linked.Token);
        }

        if (isEndOfPacket)
        {
            // A TLS or WebSocket stream may buffer; a packet goes out whole.
            await _stream.FlushAsync(linked.Token);
        }
    }

    /// <summary>Ends the connection (idempotent): pending reads and writes end, the socket is closed.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _deadline.Dispose();
        _aborted.Cancel();
        _abort();
    }

    public void Dispose()
    {
        Close();
        _stream.Dispose();
        _readLink?.Dispose();
        _aborted.Dispose();
    }

    /// <summary>A plain TCP connection, or a TLS one when <paramref name="certificate"/> is given (handshake not done yet).</summary>
    public static BrokerConnection ForSocket(Socket socket, BrokerCertificate? certificate, EmbeddedBrokerOptions options, TimeProvider clock)
    {
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (certificate is not null)
        {
            stream = new SslStream(stream, leaveInnerStreamOpen: false);
        }

        return new BrokerConnection(stream, socket.RemoteEndPoint!, socket.LocalEndPoint!, () => Shut(socket), options, clock);
    }

    private static void Shut(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }

        socket.Dispose();
    }

    /// <summary>The remote address, IPv4-mapped IPv6 addresses (from a dual-mode listener) as plain IPv4.</summary>
    public static IPAddress AddressOf(EndPoint endPoint)
    {
        var address = (endPoint as IPEndPoint)?.Address ?? IPAddress.None;
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>A token that ends a read when the caller cancels or the connection is aborted.</summary>
    private CancellationToken ReadToken(CancellationToken caller)
    {
        if (!caller.CanBeCanceled)
        {
            return _aborted.Token;
        }

        if (_readLink is null || caller != _readCaller)
        {
            // The previous read has completed (one reader at a time), so nothing waits on the old link any more.
            _readLink?.Dispose();
            _readLink = CancellationTokenSource.CreateLinkedTokenSource(caller, _aborted.Token);
            _readCaller = caller;
        }

        return _readLink.Token;
    }

    private void CloseIfNotLoggedIn()
    {
        if (!IsLoggedIn)
        {
            Close();
        }
    }
}
