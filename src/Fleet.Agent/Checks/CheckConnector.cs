using System.Net;
using System.Net.Sockets;
using Fleet.Domain.Reachability;

namespace Fleet.Agent.Checks;

/// <summary>
/// Opens the TCP connection of a check: the most specific Checks:Resolve rule first, else DNS, then each address in turn. A name
/// that does not resolve throws <see cref="CheckDnsException"/>, so it is told apart from a refused connection.
/// </summary>
internal sealed class CheckConnector(IReadOnlyList<ResolveRule> rules)
{
    public async Task<Socket> ConnectAsync(string host, int port, CancellationToken ct)
    {
        var targets = await ResolveAsync(host, port, ct);
        SocketException? last = null;
        foreach (var target in targets)
        {
            var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(target, ct);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    private async Task<IReadOnlyList<IPEndPoint>> ResolveAsync(string host, int port, CancellationToken ct)
    {
        if (ResolveRules.Match(rules, host, port) is { } match)
        {
            return match.Targets(port);
        }

        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return [new IPEndPoint(literal, port)];
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, ct);
        }
        catch (SocketException ex)
        {
            throw new CheckDnsException(host, ex);
        }

        return addresses.Length > 0 ? [.. addresses.Select(a => new IPEndPoint(a, port))] : throw new CheckDnsException(host, null);
    }
}
