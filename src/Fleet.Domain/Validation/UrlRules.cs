using System.Net;
using System.Net.Sockets;

namespace Fleet.Domain.Validation;

/// <summary>
/// The contract's rules for a tunnel URL. A URL that passes is safe to show as a link and to redirect to: the
/// scheme is one of four, nothing hides in user-info or control characters, and it does not point into the
/// API's own machine or a cloud metadata service.
/// </summary>
public static class UrlRules
{
    public const int MaxLength = 2048;

    public static IReadOnlyList<string> Schemes { get; } = ["https", "http", "tcp", "ssh"];

    private static readonly string[] MetadataHosts = ["metadata.google.internal", "metadata", "instance-data"];

    private static readonly IPAddress[] MetadataAddresses =
    [
        IPAddress.Parse("169.254.169.254"),
        IPAddress.Parse("100.100.100.200"),
        IPAddress.Parse("fd00:ec2::254"),
    ];

    /// <summary>Returns null when the URL is acceptable, otherwise what is wrong with it.</summary>
    public static string? Validate(string url, UrlPolicy policy)
    {
        if (url.Length == 0)
        {
            return "url is empty";
        }

        if (url.Length > MaxLength)
        {
            return $"url is longer than {MaxLength} characters";
        }

        if (url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return "url contains control or white-space characters";
        }

        if (!TryParse(url, out var uri))
        {
            return "url is not an absolute URL";
        }

        if (!Schemes.Contains(uri.Scheme))
        {
            return $"url scheme '{uri.Scheme}' is not one of {string.Join(", ", Schemes)}";
        }

        if (uri.UserInfo.Length > 0 || url.Contains('@', StringComparison.Ordinal))
        {
            return "url must not carry user-info";
        }

        // IdnHost throws for a host that IDN refuses (e.g. "a\u200b.example.org"); such a host is invalid, not a crash.
        string host;
        try
        {
            host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        }
        catch (UriFormatException)
        {
            return "url host is not a valid international domain name";
        }

        if (host.Length == 0)
        {
            return "url has no host";
        }

        if (uri.Scheme is "tcp" or "ssh" && uri.Port <= 0)
        {
            return "a tcp or ssh url needs a port";
        }

        if (IsForbiddenHost(host))
        {
            return $"url host '{host}' is loopback, link-local, unspecified or a metadata address";
        }

        if (policy.AllowedHostSuffixes.Count > 0 && !policy.AllowedHostSuffixes.Any(suffix => MatchesSuffix(host, suffix)))
        {
            return $"url host '{host}' is not in the allowed host suffixes";
        }

        return null;
    }

    // Uri.TryCreate itself can throw on some inputs (IndexOutOfRangeException for "file://\u202e\\METADATA:%34%34#@x"
    // in .NET 10): a validator must answer, not crash the caller.
    private static bool TryParse(string url, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? uri)
    {
        try
        {
            return Uri.TryCreate(url, UriKind.Absolute, out uri);
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or UriFormatException)
        {
            uri = null;
            return false;
        }
    }

    private static bool MatchesSuffix(string host, string suffix)
    {
        var normalized = suffix.Trim().TrimEnd('.').ToLowerInvariant();
        if (normalized.StartsWith('.'))
        {
            return host.EndsWith(normalized, StringComparison.Ordinal) || host == normalized[1..];
        }

        return host == normalized || host.EndsWith("." + normalized, StringComparison.Ordinal);
    }

    private static bool IsForbiddenHost(string host)
    {
        if (host == "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal) || MetadataHosts.Contains(host))
        {
            return true;
        }

        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (!IPAddress.TryParse(literal, out var address))
        {
            return false;
        }

        // A scope id ("[::1%251]") does not change where a packet goes, but IPAddress.Equals (and so IsLoopback)
        // compares it: drop it before comparing.
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
        {
            address = new IPAddress(address.GetAddressBytes());
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || MetadataAddresses.Contains(address))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            return bytes[0] == 0 || (bytes[0] == 169 && bytes[1] == 254);
        }

        return address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal;
    }
}
