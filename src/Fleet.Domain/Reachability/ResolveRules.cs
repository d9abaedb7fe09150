using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Fleet.Domain.Reachability;

/// <summary>
/// The one parser of curl's --resolve syntax (Agent:Checks:Resolve, Probe:Resolve): <c>host:port:address[,address…]</c>,
/// with a wildcard host (<c>*</c> or <c>*.suffix</c>), a wildcard port (<c>*</c>) and an optional last <c>:port</c> to
/// connect to instead (curl's --connect-to). IPv6 addresses may be bare or in brackets; with a target port they must be
/// in brackets, since a bare IPv6 address that parses whole is read as an address, as curl reads it.
/// </summary>
public static class ResolveRules
{
    public const string Format =
        "host:port:address[,address…][:port] like curl's --resolve, e.g. ab12.ngrok-free.app:443:203.0.113.7 " +
        "(host * or *.suffix for any name, port * for any; IPv6 in brackets; a last :port connects there instead, like --connect-to)";

    /// <summary>Reads one entry; on failure <paramref name="error"/> says what is wrong with it, without naming a key.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out ResolveRule? rule, [NotNullWhen(false)] out string? error)
    {
        rule = null;
        var parts = text.Trim().Split(':', 3);
        if (parts.Length != 3)
        {
            error = "is not host:port:address";
            return false;
        }

        var host = NormalizeHost(parts[0].Trim());
        if (host.Length == 0 || (host == "*" && parts[0].Trim() != "*") || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '[' or ']' or '+')
            || (host.Contains('*', StringComparison.Ordinal) && host != "*" && !(host.StartsWith("*.", StringComparison.Ordinal) && host.Length > 2 && !host[2..].Contains('*', StringComparison.Ordinal))))
        {
            error = $"has no valid host '{parts[0]}' (a name, * or *.suffix)";
            return false;
        }

        var portText = parts[1].Trim();
        int? port = null;
        if (portText != "*" && (port = ParsePort(portText)) is null)
        {
            error = $"has port '{portText}', which is neither 1-65535 nor *";
            return false;
        }

        if (TryParseAddresses(parts[2], out var addresses))
        {
            rule = new ResolveRule(host, port, addresses, null);
            error = null;
            return true;
        }

        // Not an address list as a whole: the last ':' may start a target port (IPv4, or IPv6 in brackets).
        var colon = parts[2].LastIndexOf(':');
        if (colon > 0 && TryParseAddresses(parts[2][..colon], out addresses) && ParsePort(parts[2][(colon + 1)..].Trim()) is { } target)
        {
            rule = new ResolveRule(host, port, addresses, target);
            error = null;
            return true;
        }

        error = $"has '{parts[2]}', which is not a list of IP addresses (IPv6 in brackets) with an optional :port of 1-65535";
        return false;
    }

    /// <summary>Reads one entry known to be valid (validated at start, or written by a test).</summary>
    /// <exception cref="FormatException">The entry is not valid.</exception>
    public static ResolveRule Parse(string text) =>
        TryParse(text, out var rule, out var error) ? rule : throw new FormatException($"Resolve entry '{text}' {error}.");

    /// <summary>The rule that decides where <paramref name="host"/>:<paramref name="port"/> goes: the most specific match, the first listed among equals.</summary>
    public static ResolveRule? Match(IEnumerable<ResolveRule> rules, string host, int port) =>
        rules.Where(r => r.Matches(host, port)).OrderByDescending(r => r.Specificity).FirstOrDefault();

    /// <summary>Names compare without case and without a trailing dot (a fully qualified "example.com." is "example.com").</summary>
    internal static string NormalizeHost(string host) => host.TrimEnd('.').ToLowerInvariant();

    private static bool TryParseAddresses(string text, out IReadOnlyList<IPAddress> addresses)
    {
        var list = new List<IPAddress>();
        addresses = list;
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var bracketed = item.Length > 2 && item[0] == '[' && item[^1] == ']';
            var bare = bracketed ? item[1..^1] : item;
            // IPAddress.TryParse reads "[::1]:9000" as ::1 and drops the port: brackets only around the whole item, and
            // inside them only IPv6.
            if (bare.Contains('[', StringComparison.Ordinal) || bare.Contains(']', StringComparison.Ordinal)
                || !IPAddress.TryParse(bare, out var address)
                || (bracketed && address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6))
            {
                return false;
            }

            list.Add(address);
        }

        return list.Count > 0;
    }

    private static int? ParsePort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port : null;
}
