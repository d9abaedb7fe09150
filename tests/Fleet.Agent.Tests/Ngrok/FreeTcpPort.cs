using System.Net;
using System.Net.Sockets;

namespace Fleet.Agent.Tests.Ngrok;

internal static class FreeTcpPort
{
    /// <summary>A loopback port that was free a moment ago; callers retry when the bind then fails.</summary>
    public static int Next()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
