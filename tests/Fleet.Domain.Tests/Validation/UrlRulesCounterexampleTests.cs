using Fleet.Domain.Validation;

namespace Fleet.Domain.Tests.Validation;

/// <summary>Counterexamples found by <see cref="UrlRulesPropertyTests"/>, kept as plain tests.</summary>
public sealed class UrlRulesCounterexampleTests
{
    [Theory]
    [InlineData("https://[fd00:ec2::254%251]/")]
    [InlineData("http://[::1%251]/")]
    [InlineData("http://[::1%25lo]:8080/")]
    [InlineData("http://[::%251]/")]
    [InlineData("http://[::ffff:127.0.0.1%251]/")]
    public void Validate_ScopedIpv6LiteralOfAForbiddenAddress_IsRefused(string url) =>
        Assert.NotNull(UrlRules.Validate(url, UrlPolicy.Open));

    [Theory]
    [InlineData("HTTPS:\\\\metadata\ufffd.google.internal:12345/%00")]
    [InlineData("https://x\ufffd.example.org/")]
    [InlineData("file://\u202e\\METADATA:%34%34#@evil.com")]
    public void Validate_InputThatMadeUriThrow_AnswersAndAcceptsOnlyWhatKeepsTheRules(string url)
    {
        // Before the fix these threw out of Validate (UriFormatException from IdnHost, IndexOutOfRangeException
        // from Uri.TryCreate); whether IdnHost throws depends on what the Uri instance computed before, so the
        // test asserts the property, not a particular answer.
        var open = UrlRules.Validate(url, UrlPolicy.Open);
        var allowListed = UrlRules.Validate(url, new UrlPolicy([".example.org"]));

        Assert.True(open is not null || UrlRulesPropertyTests.Violation(url, allowList: null) is null);
        Assert.True(allowListed is not null || UrlRulesPropertyTests.Violation(url, [".example.org"]) is null);
    }
}
