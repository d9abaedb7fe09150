using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;

namespace Fleet.Api.Mqtt;

/// <summary>
/// One accepted TCP connection of the embedded broker, as the channel MQTTnet reads and writes. Until its CONNECT is
/// accepted it is bounded in time (closed after <see cref="EmbeddedBrokerOptions.ConnectTimeout"/>) and in packet size
/// (<see cref="EmbeddedBrokerOptions.MaxUnauthenticatedPacketSize"/>); after, by <see cref="EmbeddedBrokerOptions.MaxPacketSize"/>.
/// It also carries the identity its login proved, which the broker writes into the session on every connect.
/// </summary>
internal sealed class BrokerConnection : IMqttChannel
{
    private readonly Socket _socket;
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

    public BrokerConnection(Socket socket, EmbeddedBrokerOptions options, TimeProvider clock)
    {
        _socket = socket;
        _options = options;
        RemoteEndPoint = socket.RemoteEndPoint!;
        LocalEndPoint = socket.LocalEndPoint!;
        Address = AddressOf(RemoteEndPoint);
        _deadline = clock.CreateTimer(static state => ((BrokerConnection)state!).CloseIfNotLoggedIn(), this, options.ConnectTimeout, Timeout.InfiniteTimeSpan);
    }

    public IPAddress Address { get; }

    public EndPoint RemoteEndPoint { get; }

    public EndPoint LocalEndPoint { get; }

    public X509Certificate2? ClientCertificate => null;

    public bool IsSecureConnection => false;

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
        var read = await _socket.ReceiveAsync(buffer.AsMemory(offset, count), SocketFlags.None, ReadToken(cancellationToken));
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
            var left = segment;
            while (!left.IsEmpty)
            {
                left = left[await _socket.SendAsync(left, SocketFlags.None, linked.Token)..];
            }
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
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }

        _socket.Dispose();
    }

    public void Dispose()
    {
        Close();
        _readLink?.Dispose();
        _aborted.Dispose();
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
