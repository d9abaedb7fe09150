using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Fleet.Agent.Ngrok;

/// <summary>ngrok's `web_addr`, a Go listen address: `host:port`, `[v6]:port`, or `:port` (all interfaces).</summary>
internal sealed record NgrokWebAddr(string Host, int Port)
{
    public static NgrokWebAddr Default { get; } = new("127.0.0.1", 4040);

    /// <summary>True only for `localhost` and loopback IPs: the API has no authentication.</summary>
    public bool IsLoopback =>
        Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Host, out IPAddress? ip) && IPAddress.IsLoopback(ip));

    /// <summary>Where a local client reaches it; a wildcard bind is reached through loopback.</summary>
    public Uri ApiBaseAddress
    {
        get
        {
            string host = Host switch
            {
                "" or "0.0.0.0" => "127.0.0.1",
                "::" => "[::1]",
                _ when IPAddress.TryParse(Host, out IPAddress? ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 => $"[{Host}]",
                _ => Host,
            };
            return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{Port}/"));
        }
    }

    public static bool TryParse(string? text, out NgrokWebAddr addr)
    {
        addr = Default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string value = text.Trim();
        string host;
        string port;
        if (value.StartsWith('['))
        {
            int close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= value.Length || value[close + 1] != ':')
            {
                return false;
            }

            host = value[1..close];
            port = value[(close + 2)..];
        }
        else
        {
            int colon = value.LastIndexOf(':');
            if (colon < 0 || value.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                return false; // no port, or an unbracketed IPv6 address
            }

            host = value[..colon];
            port = value[(colon + 1)..];
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number is < 1 or > 65535
            || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@'))
        {
            return false;
        }

        addr = new NgrokWebAddr(host, number);
        return true;
    }

    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")
            : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}
