using System.Net;
using System.Net.Sockets;

namespace Fleet.Api.Reachability;

/// <summary>
/// The one way the probe opens a socket: to the checked address (or, through a proxy, to the proxy), wrapped in a
/// <see cref="ReadBudgetStream"/>. One handler per probe: its connection pool can never hand a probe a connection that
/// was opened to another probe's address.
/// </summary>
internal static class ProbeConnections
{
    /// <summary>TLS handshake records (certificate chains), chunk framing and the status line, on top of headers and body.</summary>
    public const int Overhead = 32 * 1024;

    public static SocketsHttpHandler Handler(EgressDecision decision, ProbeProxy proxy, ProbeOptions options, ProbeSpend spend)
    {
        var budget = (long)options.MaxResponseHeaderBytes + options.MaxResponseBytes + Overhead;
        var proxied = decision is EgressDecision.Proxied;
        var address = (decision as EgressDecision.Direct)?.Address;
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            Credentials = null,
            PreAuthenticate = false,
            UseProxy = proxied,
            Proxy = proxied ? proxy.Proxy : null,
            AutomaticDecompression = DecompressionMethods.None,
            MaxResponseHeadersLength = (options.MaxResponseHeaderBytes + 1023) / 1024,
            MaxResponseDrainSize = 0,
            ResponseDrainTimeout = TimeSpan.Zero,
            MaxConnectionsPerServer = 1,
            ConnectTimeout = options.Timeout,
            ConnectCallback = async (context, ct) =>
            {
                // Direct: the checked address, never the name again. Proxied: the proxy's own endpoint (operator configuration).
                EndPoint endPoint = address is not null ? new IPEndPoint(address, context.DnsEndPoint.Port) : context.DnsEndPoint;
                var stream = await ConnectAsync(endPoint, budget, spend, ct);
                return stream;
            },
        };
    }

    public static async Task<ReadBudgetStream> ConnectAsync(EndPoint endPoint, long budget, ProbeSpend spend, CancellationToken ct)
    {
        spend.ConnectAttempted = true;
        var socket = endPoint is IPEndPoint ip ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = true;
            await socket.ConnectAsync(endPoint, ct);
            var stream = new ReadBudgetStream(new NetworkStream(socket, ownsSocket: true), budget);
            spend.Stream = stream;
            return stream;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>What one probe spent: whether it opened a connection, and the stream that counts its bytes.</summary>
internal sealed class ProbeSpend
{
    public bool ConnectAttempted { get; set; }

    public ReadBudgetStream? Stream { get; set; }

    public long BytesRead => Stream?.BytesRead ?? 0;
}
