using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CsCheck;
using Fleet.Domain.Validation;

namespace Fleet.Domain.Tests.Validation;

/// <summary>
/// Whatever string arrives, <see cref="UrlRules.Validate"/> answers (it never throws), and every URL it accepts
/// passes checks written here independently of its implementation.
/// </summary>
public sealed class UrlRulesPropertyTests
{
    private static readonly UrlPolicy AllowList = new([".ngrok-free.app", "example.org"]);

    private static readonly string[] AllowedSchemes = ["https", "http", "tcp", "ssh"];

    private static readonly string[] MetadataNames = ["metadata.google.internal", "metadata", "instance-data"];

    private static readonly IPAddress[] MetadataIps =
        [IPAddress.Parse("169.254.169.254"), IPAddress.Parse("100.100.100.200"), IPAddress.Parse("fd00:ec2::254")];

    [Fact]
    public void Validate_ArbitraryString_NeverThrows() =>
        UrlGen.Arbitrary.Sample(
            url =>
            {
                _ = UrlRules.Validate(url, UrlPolicy.Open);
                _ = UrlRules.Validate(url, AllowList);
            },
            iter: 200_000,
            print: url => System.Text.Json.JsonSerializer.Serialize(url));

    [Fact]
    public void Validate_AcceptedUrl_KeepsEveryRule_WithoutAllowList() =>
        UrlGen.Urls.Sample(
            url => UrlRules.Validate(url, UrlPolicy.Open) is not null || Violation(url, allowList: null) is null,
            iter: 200_000,
            print: url => $"{Escape(url)} accepted although {Violation(url, allowList: null)}");

    [Fact]
    public void Validate_AcceptedUrl_KeepsEveryRule_WithAllowList() =>
        UrlGen.Urls.Sample(
            url => UrlRules.Validate(url, AllowList) is not null || Violation(url, AllowList.AllowedHostSuffixes) is null,
            iter: 200_000,
            print: url => $"{Escape(url)} accepted although {Violation(url, AllowList.AllowedHostSuffixes)}");

    /// <summary>The contract's rules, checked without UrlRules: null when the URL keeps all of them.</summary>
    internal static string? Violation(string url, IReadOnlyList<string>? allowList)
    {
        if (url.Length is 0 or > UrlRules.MaxLength)
        {
            return "its length is out of range";
        }

        if (url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return "it holds a control or white-space character";
        }

        if (url.Contains('@', StringComparison.Ordinal))
        {
            return "it holds '@' (user-info)";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "Uri does not parse it";
        }

        if (!AllowedSchemes.Contains(uri.Scheme) || !AllowedSchemes.Contains(url[..url.IndexOf(':', StringComparison.Ordinal)].ToLowerInvariant()))
        {
            return $"scheme '{uri.Scheme}' is not allowed";
        }

        var host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        if (host.Length == 0)
        {
            return "it has no host";
        }

        if (host == "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal) || MetadataNames.Contains(host))
        {
            return $"host '{host}' is local or metadata by name";
        }

        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && ForbiddenAddress(uri.Host) is { } why)
        {
            return $"host '{uri.Host}' is {why}";
        }

        if (allowList is not null && !allowList.Any(suffix => HostMatches(host, suffix)))
        {
            return $"host '{host}' is outside the allow-list";
        }

        return null;
    }

    private static string? ForbiddenAddress(string literal)
    {
        var text = literal.Trim('[', ']');
        var percent = text.IndexOf('%', StringComparison.Ordinal);
        if (percent >= 0)
        {
            text = text[..percent];
        }

        if (!IPAddress.TryParse(text, out var address))
        {
            return "an address IPAddress cannot parse";
        }

        // Compare the bare address: a scope id (%eth0) does not change where a packet to ::1 or fe80::1 goes.
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            address = new IPAddress(address.GetAddressBytes());
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }
        }

        if (IPAddress.IsLoopback(address))
        {
            return "loopback";
        }

        if (MetadataIps.Contains(address))
        {
            return "a metadata address";
        }

        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return bytes[0] == 0 ? "unspecified (0.0.0.0/8)" : bytes[0] == 169 && bytes[1] == 254 ? "link-local" : null;
        }

        return address.Equals(IPAddress.IPv6Any) ? "unspecified" : bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80 ? "link-local" : null;
    }

    private static bool HostMatches(string host, string suffix)
    {
        var bare = suffix.TrimStart('.');
        return host == bare || host.EndsWith("." + bare, StringComparison.Ordinal);
    }

    private static string Escape(string url) =>
        string.Concat(url.Select(c => c < ' ' || c > '~' ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString()));
}
