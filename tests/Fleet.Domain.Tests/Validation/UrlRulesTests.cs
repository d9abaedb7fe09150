using Fleet.Domain.Validation;

namespace Fleet.Domain.Tests.Validation;

public sealed class UrlRulesTests
{
    [Theory]
    [MemberData(nameof(BadUrls.Good), MemberType = typeof(BadUrls))]
    public void Validate_AcceptableUrl_ReturnsNull(string url) =>
        Assert.Null(UrlRules.Validate(url, UrlPolicy.Open));

    [Theory]
    [MemberData(nameof(BadUrls.All), MemberType = typeof(BadUrls))]
    public void Validate_ForbiddenUrl_ReturnsReason(string url) =>
        Assert.False(string.IsNullOrWhiteSpace(UrlRules.Validate(url, UrlPolicy.Open)));

    [Fact]
    public void Validate_UrlOfExactlyMaxLength_IsAccepted()
    {
        const string prefix = "https://host.example.org/";
        var url = prefix + new string('a', UrlRules.MaxLength - prefix.Length);

        Assert.Null(UrlRules.Validate(url, UrlPolicy.Open));
        Assert.NotNull(UrlRules.Validate(url + "a", UrlPolicy.Open));
    }

    [Theory]
    [InlineData("https://sub.ngrok-free.app")]
    [InlineData("https://a.b.ngrok-free.app/x")]
    [InlineData("https://SUB.Ngrok-Free.App")]
    [InlineData("https://ngrok-free.app")]
    [InlineData("https://sub.ngrok-free.app.")]
    public void Validate_HostInsideAllowList_IsAccepted(string url) =>
        Assert.Null(UrlRules.Validate(url, new UrlPolicy([".ngrok-free.app"])));

    [Theory]
    [InlineData("https://evil.com")]
    [InlineData("https://ngrok-free.app.evil.com")]
    [InlineData("https://evilngrok-free.app")]
    [InlineData("https://203.0.113.5")]
    [InlineData("https://ngrok-free.app@evil.com")]
    public void Validate_HostOutsideAllowList_IsRefused(string url) =>
        Assert.NotNull(UrlRules.Validate(url, new UrlPolicy([".ngrok-free.app"])));

    [Theory]
    [InlineData("tcp://0.tcp.eu.ngrok.io:12345", true)]
    [InlineData("tcp://ngrok.io:1", true)]
    [InlineData("tcp://evilngrok.io:1", false)]
    [InlineData("ssh://relay.example.org:2222", true)]
    [InlineData("ssh://relay.example.org.evil.com:2222", false)]
    public void Validate_SeveralSuffixes_MatchOnLabelBoundaries(string url, bool accepted)
    {
        var policy = new UrlPolicy(["ngrok.io", "relay.example.org."]);

        Assert.Equal(accepted, UrlRules.Validate(url, policy) is null);
    }

    [Fact]
    public void Validate_AllowListedButLoopback_IsStillRefused() =>
        Assert.NotNull(UrlRules.Validate("http://127.0.0.1/", new UrlPolicy(["127.0.0.1"])));

    [Fact]
    public void Schemes_AreTheContractsFour() =>
        Assert.Equal(["https", "http", "tcp", "ssh"], UrlRules.Schemes);
}
