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

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
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

        var host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
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
