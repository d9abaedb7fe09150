using System.Net;

namespace Fleet.Domain.Reachability;

/// <summary>
/// One fixed answer instead of DNS, written like curl's --resolve (<see cref="ResolveRules"/> parses it): connections to
/// <see cref="Host"/>:<see cref="Port"/> go to <see cref="Addresses"/>, on <see cref="TargetPort"/> when it is set (like
/// curl's --connect-to). The TLS name and the Host header stay those of the URL, so a stand-in sees what the real edge would.
/// </summary>
/// <param name="Host">A name (lower case, no trailing dot), "*" (any name) or "*.suffix" (any name under suffix).</param>
/// <param name="Port">Null matches any port ("*").</param>
/// <param name="Addresses">Tried in this order.</param>
/// <param name="TargetPort">Null keeps the URL's port.</param>
public sealed record ResolveRule(string Host, int? Port, IReadOnlyList<IPAddress> Addresses, int? TargetPort)
{
    public bool Matches(string host, int port)
    {
        if (Port is { } fixedPort && fixedPort != port)
        {
            return false;
        }

        var name = ResolveRules.NormalizeHost(host);
        return Host == "*"
            || (Host.StartsWith("*.", StringComparison.Ordinal) && name.EndsWith(Host[1..], StringComparison.Ordinal))
            || Host == name;
    }

    /// <summary>Where a connection to the rule's host on <paramref name="port"/> goes, one endpoint per address.</summary>
    public IReadOnlyList<IPEndPoint> Targets(int port) => [.. Addresses.Select(a => new IPEndPoint(a, TargetPort ?? port))];

    /// <summary>
    /// curl resolves "*" last, so any rule naming the host wins; likewise here a name beats a longer "*.suffix", which
    /// beats a shorter one, which beats "*", and at the same host a fixed port beats "*".
    /// </summary>
    internal (int Host, int Port) Specificity => (
        Host == "*" ? 0 : Host.StartsWith("*.", StringComparison.Ordinal) ? Host.Length : int.MaxValue,
        Port is null ? 0 : 1);
}
