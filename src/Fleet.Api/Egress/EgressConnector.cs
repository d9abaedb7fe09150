using System.Net;
using System.Net.Sockets;
using Fleet.Domain.Validation;

namespace Fleet.Api.Egress;

/// <summary>
/// The one checked connect for anything that reaches out to an address an operator or a device gave: the host is
/// resolved once, EVERY resolved address must pass <see cref="EgressRules"/> (with <paramref name="allowedNetworks"/>),
/// and the socket connects to those checked addresses only, never to the name, so a DNS answer that changes between
/// two lookups (rebinding) cannot lead it elsewhere. One instance per purpose (alerts, the probe, …), long-lived.
/// </summary>
public sealed class EgressConnector(IEgressResolver resolver, IReadOnlyList<IPNetwork> allowedNetworks, TimeSpan connectTimeout)
{
    public TimeSpan ConnectTimeout { get; } = connectTimeout;

    /// <summary>
    /// The checked addresses of <paramref name="host"/> (a literal address is checked as it is); throws
    /// <see cref="EgressRefusedException"/> when any is refused and <see cref="SocketException"/> when the name does not resolve.
    /// </summary>
    public async Task<IPAddress[]> CheckAsync(string host, int port, CancellationToken cancellationToken)
    {
        var literal = IPAddress.TryParse(host.Trim('[', ']'), out var address);
        var addresses = literal ? [address!] : await resolver.ResolveAsync(host, port, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        // Every answer is checked, not only the one used: a name that mixes a public and an internal address is refused.
        foreach (var resolved in addresses)
        {
            if (EgressRules.Check(resolved, allowedNetworks) is { } refusal)
            {
                throw new EgressRefusedException(literal ? refusal : refusal with { Detail = $"{host} resolves to {refusal.Detail}" });
            }
        }

        return addresses;
    }

    /// <summary>A connected socket to one of <paramref name="host"/>'s checked addresses, tried in order, within <see cref="ConnectTimeout"/>.</summary>
    public async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = await CheckAsync(host, port, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw new TimeoutException($"connecting took longer than {ConnectTimeout.TotalSeconds:0.#} s");
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}
