using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Reachability;

/// <summary>
/// The one way the probe opens a socket: to the checked address (or, through a proxy, to the proxy), wrapped in a
/// <see cref="ReadBudgetStream"/>. Two long-lived handlers (direct and proxied) serve every probe, since a handler per
/// probe cost more CPU than the probe's own request; each request carries its <see cref="ProbeRoute"/> (the checked
/// address and the probe's spend), and the connect callback connects to that address only. Requests close their
/// connection, so nothing is reused; a connection opened for one probe can still be handed to a concurrent probe of
/// the same scheme, host and port (the pool's choice), whose own check passed for that host too, so every connection
/// still goes to a checked address (only the bytes are then counted on the probe that opened it).
/// </summary>
internal sealed class ProbeConnections : IDisposable
{
    /// <summary>TLS handshake records (certificate chains), chunk framing and the status line, on top of headers and body.</summary>
    public const int Overhead = 32 * 1024;

    private static readonly HttpRequestOptionsKey<ProbeRoute> RouteKey = new("fleet.probe.route");

    private readonly HttpMessageInvoker _direct;
    private readonly HttpMessageInvoker _proxied;

    public ProbeConnections(ProbeProxy proxy, IOptions<ProbeOptions> options)
    {
        var o = options.Value;
        var budget = (long)o.MaxResponseHeaderBytes + o.MaxResponseBytes + Overhead;
        _direct = new HttpMessageInvoker(Handler(o, null, budget, direct: true), disposeHandler: true);
        _proxied = new HttpMessageInvoker(Handler(o, proxy.Proxy, budget, direct: false), disposeHandler: true);
    }

    /// <summary>Sends <paramref name="request"/> the way <paramref name="decision"/> allows; the connection is counted in <paramref name="spend"/>.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, EgressDecision decision, ProbeSpend spend, CancellationToken ct)
    {
        var (invoker, address) = decision switch
        {
            EgressDecision.Direct direct => (_direct, direct.Address),
            EgressDecision.Proxied => (_proxied, (IPAddress?)null),
            _ => throw new InvalidOperationException($"a probe with decision {decision.GetType().Name} does not connect"),
        };
        request.Options.Set(RouteKey, new ProbeRoute(address, spend));
        return invoker.SendAsync(request, ct);
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

    public void Dispose()
    {
        _direct.Dispose();
        _proxied.Dispose();
    }

    private static SocketsHttpHandler Handler(ProbeOptions options, IWebProxy? proxy, long budget, bool direct) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        Credentials = null,
        PreAuthenticate = false,
        UseProxy = proxy is not null,
        Proxy = proxy,
        AutomaticDecompression = DecompressionMethods.None,
        MaxResponseHeadersLength = (options.MaxResponseHeaderBytes + 1023) / 1024,
        MaxResponseDrainSize = 0,
        ResponseDrainTimeout = TimeSpan.Zero,
        MaxConnectionsPerServer = options.MaxPerHost,
        ConnectTimeout = options.Timeout,
        ConnectCallback = async (context, ct) =>
        {
            // A request without a route was not checked: it never connects.
            if (context.InitialRequestMessage.Options.TryGetValue(RouteKey, out var route) is false)
            {
                throw new InvalidOperationException("a probe request without a checked route");
            }

            // Direct: the checked address, never the name again. Proxied: the proxy's own endpoint (operator configuration).
            EndPoint endPoint = direct
                ? new IPEndPoint(route.Address ?? throw new InvalidOperationException("a direct probe without a checked address"), context.DnsEndPoint.Port)
                : context.DnsEndPoint;
            return await ConnectAsync(endPoint, budget, route.Spend, ct);
        },
    };

    /// <summary>Where one probe's request may connect, and what counts its spending.</summary>
    private sealed record ProbeRoute(IPAddress? Address, ProbeSpend Spend);
}

/// <summary>What one probe spent: whether it opened a connection, and the stream that counts its bytes.</summary>
internal sealed class ProbeSpend
{
    public bool ConnectAttempted { get; set; }

    public ReadBudgetStream? Stream { get; set; }

    public long BytesRead => Stream?.BytesRead ?? 0;
}
