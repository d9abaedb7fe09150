using Fleet.Domain.Validation;

namespace Fleet.Domain.Tests.Validation;

/// <summary>Issue 11, finding 5: URLs that lead into a LAN, the loopback interface or a look-alike host.</summary>
public sealed class UrlRulesDestinationTests
{
    public static TheoryData<string> PrivateOrLoopback { get; } = new()
    {
        // Private, unique-local and carrier-grade NAT literals.
        "https://192.168.1.1/",
        "http://10.0.0.5:8080/",
        "https://172.16.3.4/",
        "https://100.64.0.1/",
        "https://[fd12::1]/",
        "https://[fc00::1]:8443/",
        "tcp://192.168.1.10:22",
        "ssh://10.1.2.3:2222",

        // Loopback and LAN addresses written in other IPv4 and IPv6 forms.
        "http://[::127.0.0.1]/",
        "http://[::7f00:1]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[64:ff9b::c0a8:101]/",
        "http://[2002:7f00:1::]/",
        "http://[::ffff:10.0.0.1]/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://0x7f.0.0.1/",
        "http://3232235777/",
        "tcp://2130706433:22",
        "tcp://0x7f000001:22",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://[ff02::1]/",

        // Names that resolve to loopback, a LAN or a metadata service.
        "https://localtest.me/",
        "https://app.localtest.me/",
        "https://lvh.me/",
        "https://127.0.0.1.nip.io/",
        "https://169.254.169.254.nip.io/",
        "https://app.10.0.0.5.nip.io/",
        "https://app-192-168-1-1.nip.io/",
        "https://7f000001.nip.io/",
        "https://10-0-0-5.sslip.io/",
        "https://--1.sslip.io/",
        "https://localhost.localdomain/",
        "https://ip6-localhost/",
        "https://ip6-loopback/",
        "https://localhost6.localdomain6/",
        "https://raspberrypi.local/",
        "https://nas/",
        "https://router.home.arpa/",
        "https://db.internal/",
    };

    [Theory]
    [MemberData(nameof(PrivateOrLoopback))]
    public void Validate_PrivateLoopbackOrLanDestination_IsRefused(string url) =>
        Assert.NotNull(UrlRules.Validate(url, UrlPolicy.Open));

    [Theory]
    [InlineData("https://8.8.8.8.nip.io/")]
    [InlineData("https://[2001:4860:4860::8888]/")]
    [InlineData("https://[64:ff9b::808:808]/")]
    [InlineData("https://93.184.215.14/")]
    public void Validate_PublicDestination_IsAccepted(string url) =>
        Assert.Null(UrlRules.Validate(url, UrlPolicy.Open));

    [Theory]
    [InlineData("http://192.168.1.20:8080/", "192.168.1.0/24", true)]
    [InlineData("tcp://192.168.1.20:22", "192.168.1.0/24", true)]
    [InlineData("http://192.168.2.20/", "192.168.1.0/24", false)]
    [InlineData("http://[fd12::5]/", "fd12::/16", true)]
    [InlineData("http://203.0.113.7:8080/", "203.0.113.7", true)]
    [InlineData("http://127.0.0.1/", "127.0.0.0/8", false)]
    [InlineData("http://169.254.169.254/", "169.254.0.0/16", false)]
    [InlineData("https://10.0.0.5.nip.io/", "10.0.0.0/8", true)]
    public void Validate_AllowedNetworks_AdmitPrivateButNeverLoopbackOrMetadata(string url, string network, bool accepted)
    {
        var policy = new UrlPolicy([], [UrlPolicy.ParseNetwork(network)!.Value]);

        Assert.Equal(accepted, UrlRules.Validate(url, policy) is null);
    }

    [Theory]
    [InlineData("http://192.168.1.20:8080/")]
    [InlineData("http://203.0.113.7:8080/")]
    public void Validate_AddressInAllowedNetwork_PassesTheHostSuffixList(string url)
    {
        var policy = new UrlPolicy([".ngrok-free.app"], [UrlPolicy.ParseNetwork("192.168.1.0/24")!.Value, UrlPolicy.ParseNetwork("203.0.113.7")!.Value]);

        Assert.Null(UrlRules.Validate(url, policy));
        Assert.NotNull(UrlRules.Validate("http://203.0.113.8/", policy));
    }

    [Theory]
    [InlineData("http://192.168.1.20:8080/", true)]
    [InlineData("http://[fd12::1]/", true)]
    [InlineData("http://127.0.0.1/", false)]
    [InlineData("http://[::ffff:169.254.169.254]/", false)]
    [InlineData("https://127.0.0.1.nip.io/", false)]
    public void Validate_AnyNetworkPolicy_AdmitsPrivateButNotLoopbackOrMetadata(string url, bool accepted) =>
        Assert.Equal(accepted, UrlRules.Validate(url, UrlPolicy.AnyNetwork) is null);

    [Fact]
    public void Validate_LanNameListedInAllowedSuffixes_IsAccepted() =>
        Assert.Null(UrlRules.Validate("https://pi-7.lab.internal/", new UrlPolicy(["lab.internal"])));

    [Fact]
    public void Validate_PrivateAddressReason_NamesTheOptIn() =>
        Assert.Contains("Ingest:AllowedNetworks", UrlRules.Validate("http://10.0.0.5/", UrlPolicy.Open), StringComparison.Ordinal);

    [Theory]
    [InlineData("https://xn--pple-43d.com/", "https://xn--pple-43d.com/")]
    [InlineData("https://\u0430pple.com/login?x=\u00e9", "https://xn--pple-43d.com/login?x=%C3%A9")]
    [InlineData("https://b\u00fccher.example.org:8443/a", "https://xn--bcher-kva.example.org:8443/a")]
    [InlineData("https://ab12cd34.ngrok-free.app", "https://ab12cd34.ngrok-free.app")]
    public void ToAscii_IdnHost_IsPunycodeAndAscii(string url, string expected)
    {
        Assert.Null(UrlRules.Validate(url, UrlPolicy.Open));
        Assert.Equal(expected, UrlRules.ToAscii(url));
    }

    [Theory]
    [InlineData("https://xn--pple-43d.com/", true)]
    [InlineData("https://\u0430pple.com/", true)]
    [InlineData("https://apple.com/", false)]
    public void Warnings_IdnHost_AreMarked(string url, bool warned) =>
        Assert.Equal(warned, UrlRules.Warnings(url).Contains(UrlRules.IdnHostWarning));

    [Theory]
    [InlineData("lab\u202egnp.exe")]
    [InlineData("a\u2066b")]
    [InlineData("a\u200bb")]
    [InlineData("a\u200fb")]
    [InlineData("a\u2060b")]
    [InlineData("\ufeffa")]
    [InlineData("a\u0007")]
    public void FindHidden_BidiZeroWidthOrControl_IsFound(string text) =>
        Assert.NotNull(TextRules.FindHidden(text));

    [Fact]
    public void FindHidden_LoneSurrogate_IsFound()
    {
        Assert.Equal("U+D800", TextRules.FindHidden("a\ud800b"));
        Assert.Equal("U+DC00", TextRules.FindHidden("a\udc00"));
    }

    [Theory]
    [InlineData("Lab 3, bench \u00e9")]
    [InlineData("\u5b9f\u9a13\u5ba4 \ud83d\ude80")]
    public void FindHidden_PlainText_IsClean(string text) => Assert.Null(TextRules.FindHidden(text));
}
