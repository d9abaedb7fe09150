using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Fleet.Domain.Validation;

/// <summary>
/// The contract's rules for a tunnel URL, and the one place they live: ingest checks a URL with them before
/// storing it, and <c>/d/{id}</c> checks the stored URL again before every redirect. A URL that passes is safe to
/// show as a link and to redirect to: the scheme is one of four, nothing hides in user-info or control characters,
/// and it does not point (by literal address of any form, or by a name known to resolve there) into the API's own
/// machine, a LAN the operator has not opted into, or a cloud metadata service. Pure code: no DNS, no I/O.
/// </summary>
public static class UrlRules
{
    public const int MaxLength = 2048;

    /// <summary>Warning on a tunnel whose host is an internationalised (punycode) name, which may imitate another.</summary>
    public const string IdnHostWarning = "idn-host";

    public static IReadOnlyList<string> Schemes { get; } = ["https", "http", "tcp", "ssh"];

    // What a host written as a number (decimal, octal, hex, dotted or not) is made of; checked for every tunnel URL of
    // every state message, so without an enumerator.
    private static readonly SearchValues<char> NumericHostChars = SearchValues.Create("0123456789abcdefABCDEF.x");

    /// <summary>Returns null when the URL is acceptable, otherwise what is wrong with it.</summary>
    public static string? Validate(string url, UrlPolicy policy)
    {
        if (Parse(url) is not { } parsed)
        {
            return Shape(url);
        }

        var (uri, host) = parsed;
        if (Literal(uri, host) is { } address)
        {
            return ValidateAddress(host, address, policy);
        }

        if (HostNameRules.Forbidden(host) is { } forbidden)
        {
            return forbidden;
        }

        foreach (var embedded in HostNameRules.EmbeddedAddresses(host))
        {
            var verdict = AddressRules.Classify(embedded);
            if (verdict.Class == AddressClass.Forbidden || (verdict.Class == AddressClass.Private && !policy.InAllowedNetwork(embedded)))
            {
                return $"url host '{host}' resolves to {embedded}, which is {verdict.Why}";
            }
        }

        var listed = policy.AllowedHostSuffixes.Any(suffix => MatchesSuffix(host, suffix));
        if (HostNameRules.IsLocalOnly(host) && !listed)
        {
            return $"url host '{host}' is a LAN-only name; list it in the allowed host suffixes to accept it";
        }

        return policy.AllowedHostSuffixes.Count > 0 && !listed ? $"url host '{host}' is not in the allowed host suffixes" : null;
    }

    /// <summary>
    /// Where a URL leads, parsed exactly as <see cref="Validate"/> parses it: scheme, ASCII host, port (the scheme's
    /// default for http and https) and the literal address the host is, in any of its forms (decimal, octal, hex,
    /// IPv6); null when the URL's shape is wrong. For callers that connect: resolve <c>Host</c> only when
    /// <c>Address</c> is null.
    /// </summary>
    public static UrlTarget? Target(string url)
    {
        if (Parse(url) is not { } parsed)
        {
            return null;
        }

        var (uri, host) = parsed;
        return new UrlTarget(uri.Scheme, host, uri.Port, Literal(uri, host));
    }

    /// <summary>
    /// The URL with its host in ASCII (punycode) and the rest percent-encoded, as a Location header needs it: the URL
    /// itself when it is ASCII already, null when it does not parse. Call it on URLs that passed <see cref="Validate"/>.
    /// </summary>
    public static string? ToAscii(string url)
    {
        if (System.Text.Ascii.IsValid(url))
        {
            return Parse(url) is null ? null : url;
        }

        if (Parse(url) is not { } parsed)
        {
            return null;
        }

        var (uri, host) = parsed;
        var port = uri.IsDefaultPort || uri.Port < 0 ? string.Empty : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // PathAndQuery and Fragment come back percent-encoded: the result is ASCII throughout.
        return $"{uri.Scheme}://{host}{port}{uri.PathAndQuery}{uri.Fragment}";
    }

    /// <summary>Warnings a reader should see next to the URL (e.g. <see cref="IdnHostWarning"/>); empty when none.</summary>
    public static IReadOnlyList<string> Warnings(string url) =>
        Parse(url) is { } parsed && parsed.Host.Split('.').Any(label => label.StartsWith("xn--", StringComparison.Ordinal))
            ? [IdnHostWarning]
            : [];

    private static string ValidateAddressReason(string host, AddressVerdict verdict) => verdict.Class == AddressClass.Private
        ? $"url host '{host}' is {verdict.Why}; allow its network in Ingest:AllowedNetworks to accept it"
        : $"url host '{host}' is {verdict.Why}";

    private static string? ValidateAddress(string host, IPAddress address, UrlPolicy policy)
    {
        var verdict = AddressRules.Classify(address);
        if (verdict.Class == AddressClass.Forbidden)
        {
            return ValidateAddressReason(host, verdict);
        }

        // An address the operator listed is accepted as it is: that is how a lab LAN or a fixed ISP address opts in.
        if (policy.InAllowedNetwork(address) || AddressRules.Embedded(address).Any(e => policy.InAllowedNetwork(e.Address)))
        {
            return null;
        }

        if (verdict.Class == AddressClass.Private)
        {
            return ValidateAddressReason(host, verdict);
        }

        return policy.AllowedHostSuffixes.Count > 0 && !policy.AllowedHostSuffixes.Any(suffix => MatchesSuffix(host, suffix))
            ? $"url host '{host}' is not in the allowed host suffixes or networks"
            : null;
    }

    /// <summary>Why a URL that did not parse is refused (the shape checks, in order).</summary>
    private static string Shape(string url)
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

        if (!TryCreate(url, out var uri))
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

        if (!TryIdnHost(uri, out var host))
        {
            return "url host is not a valid international domain name";
        }

        return host.Length == 0 ? "url has no host" : "a tcp or ssh url needs a port";
    }

    /// <summary>The parsed URL and its host (ASCII, lower case, no trailing dot) when its shape is right; else null.</summary>
    private static (Uri Uri, string Host)? Parse(string url)
    {
        if (url.Length is 0 or > MaxLength || url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) || url.Contains('@', StringComparison.Ordinal)
            || !TryCreate(url, out var uri) || !Schemes.Contains(uri.Scheme) || uri.UserInfo.Length > 0
            || !TryIdnHost(uri, out var host) || host.Length == 0 || (uri.Scheme is "tcp" or "ssh" && uri.Port <= 0))
        {
            return null;
        }

        return (uri, host);
    }

    /// <summary>
    /// The literal address the host is, if any. Uri canonicalises dotted, decimal, octal and hex IPv4 for http(s);
    /// for tcp and ssh it may not, so a host made only of digits, dots and hex is read as inet_aton would.
    /// </summary>
    private static IPAddress? Literal(Uri uri, string host)
    {
        var text = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        var looksNumeric = !text.AsSpan().ContainsAnyExcept(NumericHostChars);
        if (uri.HostNameType is not (UriHostNameType.IPv4 or UriHostNameType.IPv6) && !looksNumeric)
        {
            return null;
        }

        var percent = text.IndexOf('%', StringComparison.Ordinal);
        if (percent >= 0)
        {
            text = text[..percent];
        }

        return IPAddress.TryParse(text, out var address) && address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            ? address
            : null;
    }

    // Uri.TryCreate itself can throw on some inputs (IndexOutOfRangeException for "file://\u202e\\METADATA:%34%34#@x"
    // in .NET 10): a validator must answer, not crash the caller.
    private static bool TryCreate(string url, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? uri)
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

    // IdnHost throws for a host that IDN refuses (e.g. "a\u200b.example.org"); such a host is invalid, not a crash.
    private static bool TryIdnHost(Uri uri, out string host)
    {
        try
        {
            host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
            return true;
        }
        catch (UriFormatException)
        {
            host = string.Empty;
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

        return HostNameRules.IsUnder(host, normalized);
    }
}
