using System.Globalization;
using System.Net;

namespace Fleet.Agent.Checks;

/// <summary>
/// One Checks:Resolve entry: connections to <see cref="Host"/>:<see cref="Port"/> go to <see cref="Target"/> instead of
/// what DNS says, like curl's --resolve (same port) and --connect-to (another port). The TLS name and the Host header
/// stay those of the URL, so a stand-in edge sees what ngrok's edge would.
/// </summary>
/// <param name="Host">A name, "*" (any) or "*.suffix".</param>
/// <param name="Port">Null matches any port ("*").</param>
/// <param name="TargetPort">Null keeps the URL's port.</param>
internal sealed record ResolveOverride(string Host, int? Port, IPAddress Address, int? TargetPort)
{
    public const string Format = "host:port:address or host:port:address:port (like curl's --resolve and --connect-to; IPv6 in brackets)";

    public bool Matches(string host, int port) =>
        (Port is null || Port == port) && (Host == "*"
            || (Host.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(Host[1..], StringComparison.OrdinalIgnoreCase))
            || string.Equals(Host, host, StringComparison.OrdinalIgnoreCase));

    public IPEndPoint Target(int port) => new(Address, TargetPort ?? port);

    public static ResolveOverride? TryParse(string entry)
    {
        var first = entry.IndexOf(':', StringComparison.Ordinal);
        var second = first < 0 ? -1 : entry.IndexOf(':', first + 1);
        if (first <= 0 || second < 0)
        {
            return null;
        }

        var host = entry[..first];
        var port = entry[(first + 1)..second];
        var rest = entry[(second + 1)..];
        string address;
        string? targetPort = null;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return null;
            }

            address = rest[1..close];
            var after = rest[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    return null;
                }

                targetPort = after[1..];
            }
        }
        else
        {
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            address = colon < 0 ? rest : rest[..colon];
            targetPort = colon < 0 ? null : rest[(colon + 1)..];
        }

        int? parsedPort = port == "*" ? null : ParsePort(port);
        int? parsedTarget = targetPort is null ? null : ParsePort(targetPort);
        if ((port != "*" && parsedPort is null) || (targetPort is not null && parsedTarget is null) || !IPAddress.TryParse(address, out var ip))
        {
            return null;
        }

        return new ResolveOverride(host, parsedPort, ip, parsedTarget);
    }

    private static int? ParsePort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port : null;
}
