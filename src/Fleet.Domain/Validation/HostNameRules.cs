using System.Globalization;
using System.Net;

namespace Fleet.Domain.Validation;

/// <summary>
/// Host names that lead somewhere a redirect must not, without resolving anything (no DNS here: the rule must give
/// the same answer at ingest and at redirect time, and an attacker controls their own DNS anyway): well-known names
/// of the loopback interface, public names that resolve to 127.0.0.1 on purpose, wildcard-DNS services that answer
/// with an address written in the name, cloud metadata names, and names that only mean something on a LAN.
/// </summary>
internal static class HostNameRules
{
    /// <summary>Names /etc/hosts files give the loopback interface.</summary>
    private static readonly string[] LoopbackNames =
        ["localhost", "localhost.localdomain", "localhost6", "localhost6.localdomain6", "ip6-localhost", "ip6-loopback"];

    /// <summary>Public domains whose every name resolves to 127.0.0.1 (for local development).</summary>
    private static readonly string[] LoopbackDomains =
        ["localhost", "localtest.me", "lvh.me", "vcap.me", "fuf.me", "localhost.direct", "lacolhost.com"];

    /// <summary>Wildcard-DNS services that answer "10.0.0.5.nip.io" with 10.0.0.5 (also dashed and hex forms).</summary>
    private static readonly string[] AddressInNameDomains = ["nip.io", "sslip.io", "xip.io", "traefik.me", "nip.direct"];

    private static readonly string[] MetadataNames = ["metadata.google.internal", "metadata", "instance-data"];

    /// <summary>Special-use and customary LAN-only suffixes: such a name never points at a public tunnel.</summary>
    private static readonly string[] LocalDomains = ["local", "internal", "home.arpa", "localdomain", "lan", "intranet"];

    /// <summary>A reason the name always refused, or null.</summary>
    public static string? Forbidden(string host)
    {
        if (LoopbackNames.Contains(host) || UnderAny(host, LoopbackDomains))
        {
            return $"url host '{host}' is a name of the loopback interface";
        }

        return MetadataNames.Contains(host) ? $"url host '{host}' is a cloud metadata name" : null;
    }

    /// <summary>A name that only resolves on a LAN (one label, .local, .internal, …): refused unless allow-listed.</summary>
    public static bool IsLocalOnly(string host) =>
        !host.Contains('.', StringComparison.Ordinal) || UnderAny(host, LocalDomains);

    /// <summary>The addresses a wildcard-DNS service would answer for <paramref name="host"/> (every reading of the name).</summary>
    public static IEnumerable<IPAddress> EmbeddedAddresses(string host)
    {
        var domain = Array.Find(AddressInNameDomains, d => host.Length > d.Length && IsUnder(host, d));
        if (domain is null)
        {
            return [];
        }

        var labels = host[..^(domain.Length + 1)].Split('.');
        var found = new List<IPAddress>();

        // Dotted: "app.10.0.0.5.nip.io" (any four consecutive labels).
        for (var i = 0; i + 4 <= labels.Length; i++)
        {
            AddV4(found, string.Join('.', labels[i..(i + 4)]));
        }

        foreach (var label in labels)
        {
            var parts = label.Split('-');

            // Dashed: "app-10-0-0-5.nip.io", "10-0-0-5.sslip.io".
            for (var i = 0; i + 4 <= parts.Length; i++)
            {
                AddV4(found, string.Join('.', parts[i..(i + 4)]));
            }

            // Hex: "0a000005.nip.io", "app-0a000005.nip.io".
            foreach (var part in parts)
            {
                if (part.Length == 8 && uint.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
                {
                    found.Add(new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]));
                }
            }

            // IPv6 with dashes for colons: "--1.sslip.io" is ::1, "fd12--1.sslip.io" is fd12::1.
            if (label.Contains('-', StringComparison.Ordinal) && IPAddress.TryParse(label.Replace('-', ':'), out var v6)
                && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                found.Add(v6);
            }
        }

        return found;
    }

    private static void AddV4(List<IPAddress> found, string dotted)
    {
        if (dotted.Split('.').All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit)) && IPAddress.TryParse(dotted, out var address))
        {
            found.Add(address);
        }
    }

    /// <summary>
    /// Whether <paramref name="host"/> is <paramref name="domain"/> or a name under it. Every tunnel URL of every state
    /// message goes through these lists, so without a string or a closure per check.
    /// </summary>
    public static bool IsUnder(string host, string domain) =>
        host.EndsWith(domain, StringComparison.Ordinal) && (host.Length == domain.Length || host[^(domain.Length + 1)] == '.');

    private static bool UnderAny(string host, string[] domains)
    {
        foreach (var domain in domains)
        {
            if (IsUnder(host, domain))
            {
                return true;
            }
        }

        return false;
    }
}
