using System.Net;
using System.Net.Sockets;

namespace Fleet.Testing.Network;

/// <summary>
/// A loopback port where a TCP connect gets no answer until it times out, as behind a firewall that drops (a guest
/// network blocking 8883): a listener with a backlog of 0 that never accepts, its one queue slot taken, so the kernel
/// drops every further SYN (tcp_abort_on_overflow 0, Linux's default).
/// </summary>
public sealed class BlackholePort : IDisposable
{
    private readonly Socket listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Socket filler = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public BlackholePort()
    {
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        filler.Connect(IPAddress.Loopback, Port);
    }

    public int Port { get; }

    public void Dispose()
    {
        filler.Dispose();
        listener.Dispose();
    }
}
