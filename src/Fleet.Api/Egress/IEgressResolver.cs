using System.Net;

namespace Fleet.Api.Egress;

/// <summary>
/// Turns a host name into addresses, once per connection: the caller checks every address and connects to one of
/// them, never resolving again (a test swaps it for a resolver that answers differently the second time).
/// </summary>
public interface IEgressResolver
{
    /// <summary>The addresses of <paramref name="host"/>; throws <see cref="System.Net.Sockets.SocketException"/> when the name does not resolve.</summary>
    Task<IPAddress[]> ResolveAsync(string host, int port, CancellationToken cancellationToken);
}

/// <summary>The system's resolver.</summary>
public sealed class SystemEgressResolver : IEgressResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, int port, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}
