using System.Net;
using System.Net.Sockets;

namespace Fleet.Api.Mqtt;

/// <summary>
/// The embedded broker's open connections, of every transport (TCP, TLS, WebSocket): admits a new one only within <see cref="EmbeddedBrokerOptions.MaxConnections"/>
/// in all and <see cref="EmbeddedBrokerOptions.MaxConnectionsPerAddress"/> not yet logged in per remote address, and
/// finds a connection by its remote end point (unique among open TCP connections) for the broker's events.
/// <paramref name="maxConnections"/> is the configured cap, lowered to fit the process's descriptors (<see cref="DescriptorBudget"/>).
/// When the cap is reached, a new connection takes the place of the oldest one that has not logged in yet: connections
/// that never send a CONNECT (from many addresses, as a loopback attacker has) cannot keep a real client, or the API's
/// own reconnect, out for <see cref="EmbeddedBrokerOptions.ConnectTimeout"/>; a real client logs in within
/// milliseconds of connecting, so it is not the oldest for long. Only with every slot logged in is a connection refused.
/// </summary>
internal sealed class BrokerConnections(int maxConnections, EmbeddedBrokerOptions options, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<EndPoint, BrokerConnection> _open = [];
    private readonly Dictionary<IPAddress, int> _pendingPerAddress = [];
    private readonly LinkedList<BrokerConnection> _pendingOrder = [];

    public int MaxConnections => maxConnections;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>The connection for an accepted socket, plain or TLS, or null and why not (the caller closes the socket).</summary>
    public BrokerConnection? TryAdmit(Socket socket, BrokerCertificate? certificate, out string? refusal) =>
        TryAdmit(socket.RemoteEndPoint!, () => BrokerConnection.ForSocket(socket, certificate, options, clock), out refusal);

    /// <summary>
    /// The connection <paramref name="open"/> makes for a client at <paramref name="remoteEndPoint"/> (every transport
    /// comes through here, so the same limits hold for all), or null and why not (the caller closes the transport).
    /// </summary>
    public BrokerConnection? TryAdmit(EndPoint remoteEndPoint, Func<BrokerConnection> open, out string? refusal)
    {
        var address = BrokerConnection.AddressOf(remoteEndPoint);
        BrokerConnection? evicted = null;
        try
        {
            lock (_gate)
            {
                var pending = _pendingPerAddress.GetValueOrDefault(address);
                if (pending >= options.MaxConnectionsPerAddress)
                {
                    refusal = "Mqtt:Embedded:MaxConnectionsPerAddress reached";
                    return null;
                }

                if (_open.Count >= maxConnections)
                {
                    evicted = _pendingOrder.First?.Value;
                    if (evicted is null)
                    {
                        refusal = "Mqtt:Embedded:MaxConnections reached";
                        return null;
                    }

                    Forget(evicted);
                    pending = _pendingPerAddress.GetValueOrDefault(address);
                }

                var connection = open();
                _open[connection.RemoteEndPoint] = connection;
                _pendingPerAddress[address] = pending + 1;
                connection.PendingNode = _pendingOrder.AddLast(connection);
                refusal = null;
                return connection;
            }
        }
        finally
        {
            // Outside the lock: its reader ends, and the listener's Remove for it finds nothing left to release.
            evicted?.Close();
        }
    }

    public BrokerConnection? Find(EndPoint? remoteEndPoint)
    {
        if (remoteEndPoint is null)
        {
            return null;
        }

        lock (_gate)
        {
            return _open.GetValueOrDefault(remoteEndPoint);
        }
    }

    /// <summary>Records the login; from now on the connection no longer counts against its address.</summary>
    public void LogIn(BrokerConnection connection, BrokerIdentity identity)
    {
        lock (_gate)
        {
            if (!connection.IsLoggedIn && IsOpen(connection))
            {
                Release(connection.Address);
                RemovePending(connection);
            }

            connection.LogIn(identity);
        }
    }

    public void Remove(BrokerConnection connection)
    {
        lock (_gate)
        {
            if (IsOpen(connection))
            {
                Forget(connection);
            }
        }
    }

    // The end point may already name a newer connection (an evicted one's port reused): compare the object.
    private bool IsOpen(BrokerConnection connection) =>
        _open.TryGetValue(connection.RemoteEndPoint, out var open) && ReferenceEquals(open, connection);

    private void Forget(BrokerConnection connection)
    {
        _open.Remove(connection.RemoteEndPoint);
        if (!connection.IsLoggedIn)
        {
            Release(connection.Address);
        }

        RemovePending(connection);
    }

    private void RemovePending(BrokerConnection connection)
    {
        if (connection.PendingNode is { List: not null } node)
        {
            _pendingOrder.Remove(node);
        }

        connection.PendingNode = null;
    }

    private void Release(IPAddress address)
    {
        var pending = _pendingPerAddress.GetValueOrDefault(address) - 1;
        if (pending > 0)
        {
            _pendingPerAddress[address] = pending;
        }
        else
        {
            _pendingPerAddress.Remove(address);
        }
    }
}
