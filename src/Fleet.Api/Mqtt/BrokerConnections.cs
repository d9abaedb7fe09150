using System.Net;
using System.Net.Sockets;

namespace Fleet.Api.Mqtt;

/// <summary>
/// The embedded broker's open connections: admits a new one only within <see cref="EmbeddedBrokerOptions.MaxConnections"/>
/// in all and <see cref="EmbeddedBrokerOptions.MaxConnectionsPerAddress"/> not yet logged in per remote address, and
/// finds a connection by its remote end point (unique among open TCP connections) for the broker's events.
/// <paramref name="maxConnections"/> is the configured cap, lowered to fit the process's descriptors (<see cref="DescriptorBudget"/>).
/// </summary>
internal sealed class BrokerConnections(int maxConnections, EmbeddedBrokerOptions options, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<EndPoint, BrokerConnection> _open = [];
    private readonly Dictionary<IPAddress, int> _pendingPerAddress = [];

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

    /// <summary>The connection for an accepted socket, or null and why not (the caller closes the socket).</summary>
    public BrokerConnection? TryAdmit(Socket socket, out string? refusal)
    {
        var address = BrokerConnection.AddressOf(socket.RemoteEndPoint!);
        lock (_gate)
        {
            if (_open.Count >= maxConnections)
            {
                refusal = "Mqtt:Embedded:MaxConnections reached";
                return null;
            }

            var pending = _pendingPerAddress.GetValueOrDefault(address);
            if (pending >= options.MaxConnectionsPerAddress)
            {
                refusal = "Mqtt:Embedded:MaxConnectionsPerAddress reached";
                return null;
            }

            var connection = new BrokerConnection(socket, options, clock);
            _open[connection.RemoteEndPoint] = connection;
            _pendingPerAddress[address] = pending + 1;
            refusal = null;
            return connection;
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
            if (!connection.IsLoggedIn && _open.ContainsKey(connection.RemoteEndPoint))
            {
                Release(connection.Address);
            }

            connection.LogIn(identity);
        }
    }

    public void Remove(BrokerConnection connection)
    {
        lock (_gate)
        {
            if (_open.Remove(connection.RemoteEndPoint) && !connection.IsLoggedIn)
            {
                Release(connection.Address);
            }
        }
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
