using System.Globalization;

namespace Fleet.Agent.Checks;

/// <summary>What to check for a URL or an upstream: an HTTP GET of <see cref="Http"/>, else a TCP connect to Host:Port.</summary>
internal sealed record CheckTarget(Uri? Http, string Host, int Port)
{
    /// <summary>The public URL: http/https are requested, tcp/tls/ssh connected to. Null when it cannot be checked.</summary>
    public static CheckTarget? ForUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return null;
        }

        return uri.Scheme is "http" or "https"
            ? new CheckTarget(uri, uri.IdnHost, uri.Port)
            : new CheckTarget(null, uri.IdnHost, uri.Port > 0 ? uri.Port : DefaultPort(uri.Scheme));
    }

    /// <summary>
    /// The upstream as providers report it: a URL ("http://localhost:80"), "host:port" or a bare port. For an http(s)
    /// tunnel a scheme-less upstream is spoken to in HTTP (HTTPS on 443), as ngrok normalises it
    /// (https://ngrok.com/docs/universal-gateway/agent-forwarding/); for tcp/tls tunnels it is connected to.
    /// </summary>
    public static CheckTarget? ForUpstream(string? upstream, string? proto)
    {
        if (string.IsNullOrWhiteSpace(upstream))
        {
            return null;
        }

        if (upstream.Contains("://", StringComparison.Ordinal))
        {
            return ForUrl(upstream);
        }

        var text = int.TryParse(upstream, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? "localhost:" + upstream : upstream;
        if (!Uri.TryCreate("tcp://" + text, UriKind.Absolute, out var uri) || uri.Port <= 0)
        {
            return null;
        }

        if (proto is "http" or "https")
        {
            var scheme = uri.Port == 443 ? "https" : "http";
            return ForUrl($"{scheme}://{uri.Authority}/");
        }

        return new CheckTarget(null, uri.IdnHost, uri.Port);
    }

    private static int DefaultPort(string scheme) => scheme switch
    {
        "ssh" => 22,
        "tls" => 443,
        _ => -1,
    };
}
