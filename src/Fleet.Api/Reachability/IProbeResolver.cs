using System.Net;

namespace Fleet.Api.Reachability;

/// <summary>Turns a URL's host name into addresses, once per probe (the probe connects to what it checked, never resolves again).</summary>
internal interface IProbeResolver
{
    /// <summary>The addresses of <paramref name="host"/>; throws <see cref="System.Net.Sockets.SocketException"/> when the name does not resolve.</summary>
    Task<IPAddress[]> ResolveAsync(string host, int port, CancellationToken cancellationToken);
}
