using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Api.Egress;

/// <summary>
/// HTTP to operator-given URLs through an <see cref="EgressConnector"/>: one long-lived handler per purpose whose every
/// connection is the checked connect; no redirects (a 3xx is an answer, not an instruction), no cookies, no
/// credentials, no proxy (the address the rules checked is the one connected to), bounded headers, and answers read
/// only as far as <see cref="ReadBoundedAsync"/> allows.
/// </summary>
public static class EgressHttp
{
    public static SocketsHttpHandler Handler(EgressConnector connector, int maxResponseHeaderBytes = 16 * 1024) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        Credentials = null,
        PreAuthenticate = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxResponseHeadersLength = (maxResponseHeaderBytes + 1023) / 1024,
        MaxResponseDrainSize = 16 * 1024,
        ConnectTimeout = connector.ConnectTimeout,

        // A pooled connection keeps the address it was opened to: renewed now and then so a changed DNS answer is
        // resolved and checked again rather than trusted forever.
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = await connector.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    };

    /// <summary>At most <paramref name="maxBytes"/> of an answer's body as text; the rest is never read.</summary>
    public static async Task<string> ReadBoundedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[maxBytes];
        var total = 0;
        int read;
        while (total < maxBytes && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    /// <summary>The egress refusal behind a failed request (the connect callback's exception, wrapped by the handler), if any.</summary>
    public static EgressRefusedException? Refusal(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is EgressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }
}
