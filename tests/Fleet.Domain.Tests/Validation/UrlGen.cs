using CsCheck;

namespace Fleet.Domain.Tests.Validation;

/// <summary>
/// Generators of URL-like strings that mix the pieces attackers combine: schemes, user-info, IPv4 and IPv6
/// literals (loopback, link-local, mapped, scoped, numeric forms), metadata hosts, percent-encoding, IDN and
/// look-alike characters, control characters and ports.
/// </summary>
internal static class UrlGen
{
    private static readonly Gen<string> Schemes = Gen.OneOf(
        "https", "http", "tcp", "ssh", "HTTPS", "HtTp", "javascript", "data", "file", "ftp", "ws", "gopher", "jar:http", "view-source:https", "");

    private static readonly Gen<string> Separators = Gen.OneOf("://", ":", ":/", ":///", ":\\\\", "://\\", ":////", "://%2f");

    private static readonly Gen<string> UserInfo = Gen.OneOf(
        "", "", "", "user@", "user:pw@", "@", "a%40b@", "ngrok-free.app@", "x:y%40z@", "u\u0000@", "%75ser@");

    private static readonly Gen<string> Hosts = Gen.OneOf(
        "ab12cd34.ngrok-free.app", "x.example.org", "example.org", "ngrok-free.app", "evil.com", "ngrok-free.app.evil.com",
        "evilngrok-free.app", "0.tcp.eu.ngrok.io", "localhost", "LOCALHOST", "localhost.", "api.localhost", "localhost..",
        "127.0.0.1", "127.1", "127.000.000.001", "0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "2130706433", "017700000001",
        "0.0.0.0", "0", "0.1.2.3", "169.254.169.254", "169.254.1.1", "0xa9fea9fe", "2852039166", "100.100.100.200",
        "203.0.113.5", "10.0.0.1", "192.168.1.1",
        "[::1]", "[::]", "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::ffff:169.254.169.254]",
        "[::ffff:0.0.0.0]", "[fe80::1]", "[fe80::1%25eth0]", "[fe80::1%251]", "[::1%251]", "[::1%25lo]", "[::%251]",
        "[fd00:ec2::254]", "[fd00:ec2::254%251]", "[fec0::1]", "[febf::1]", "[2001:db8::1]", "[::127.0.0.1]", "[64:ff9b::7f00:1]",
        "metadata.google.internal", "metadata.google.internal.", "METADATA", "metadata", "instance-data",
        "%31%32%37.0.0.1", "loc%61lhost", "127%2e0%2e0%2e1",
        "ｌｏｃａｌｈｏｓｔ", "１２７.０.０.１", "127。0。0。1", "ⓛⓞⓒⓐⓛⓗⓞⓢⓣ", "bücher.example.org", "xn--bcher-kva.example.org",
        "ab12cd34.ngrok-free.app\u3002", "sub.ngrok-free.app.", "a\u200b.ngrok-free.app", "a\u202e.ngrok-free.app",
        "", " ", "host\tname", "host\u0000.example.org", "host\u0085.example.org");

    private static readonly Gen<string> Ports = Gen.OneOf("", "", ":443", ":12345", ":0", ":65535", ":65536", ":-1", ":", ":80a", ":%34%34");

    private static readonly Gen<string> Paths = Gen.OneOf(
        "", "/", "/path?q=1#frag", "/a b", "/\u0001", "/\n", "/%00", "/@evil.com", "#@evil.com", "?@x", "/\u00a0", "/\u2028",
        "/../../etc/passwd", "\\@evil.com", "/" + new string('a', 2100));

    /// <summary>Assembled URLs, then maybe mutated by inserting, deleting or replacing one character.</summary>
    public static Gen<string> Urls { get; } =
        from scheme in Schemes
        from separator in Separators
        from user in UserInfo
        from host in Hosts
        from port in Ports
        from path in Paths
        from url in Mutate(scheme + separator + user + host + port + path)
        select url;

    /// <summary>Anything a string can hold, for the "never throws" property.</summary>
    public static Gen<string> Arbitrary { get; } = Gen.Frequency(
        (3, Gen.String),
        (1, Gen.Char.Array[0, 64].Select(chars => new string(chars))),
        (6, Urls));

    private static readonly Gen<char> Interesting = Gen.Frequency(
        (4, Gen.Char['\0', '\u007f']),
        (1, Gen.OneOf('@', ':', '/', '\\', '%', '.', '[', ']', '#', '?', '\u0085', '\u00a0', '\u200b', '\u202e', '\u3002', '\uff0e', '\ud800')),
        (1, Gen.Char));

    private static Gen<string> Mutate(string url) => Gen.Frequency(
        (4, Gen.Const(url)),
        (1, from at in Gen.Int[0, url.Length] from c in Interesting select url.Insert(at, c.ToString())),
        (1, url.Length == 0 ? Gen.Const(url) : from at in Gen.Int[0, url.Length - 1] select url.Remove(at, 1)),
        (1, url.Length == 0 ? Gen.Const(url) : from at in Gen.Int[0, url.Length - 1] from c in Interesting select url.Remove(at, 1).Insert(at, c.ToString())));
}
