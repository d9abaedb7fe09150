using System.Net;
using Fleet.Domain.Reachability;

namespace Fleet.Domain.Tests.Reachability;

/// <summary>
/// The one --resolve parser both Agent:Checks:Resolve and Probe:Resolve use: everything either side accepted before it
/// was shared, with curl's meaning (a wildcard host is resolved last).
/// </summary>
public sealed class ResolveRulesTests
{
    [Theory]
    [InlineData("ab12.ngrok-free.app:443:127.0.0.1", "ab12.ngrok-free.app", 443, "127.0.0.1:443")]
    [InlineData("*.ngrok-free.app:443:127.0.0.1:8443", "x.ngrok-free.app", 443, "127.0.0.1:8443")]
    [InlineData("0.tcp.eu.ngrok.io:*:[::1]:9000", "0.tcp.eu.ngrok.io", 12345, "[::1]:9000")]
    [InlineData("*:80:10.0.0.1", "anything.example", 80, "10.0.0.1:80")]
    [InlineData("A.Example.:443:203.0.113.7", "a.example", 443, "203.0.113.7:443")]
    [InlineData("a.example:443:203.0.113.7", "A.EXAMPLE.", 443, "203.0.113.7:443")]
    [InlineData("b.example:80:2001:db8::2", "b.example", 80, "[2001:db8::2]:80")]
    [InlineData("b.example:80:[2001:db8::2]", "b.example", 80, "[2001:db8::2]:80")]
    public void Parse_Entry_MapsLikeCurl(string entry, string host, int port, string target)
    {
        Assert.True(ResolveRules.TryParse(entry, out var rule, out var error), error);

        Assert.True(rule.Matches(host, port));
        Assert.Equal(IPEndPoint.Parse(target), Assert.Single(rule.Targets(port)));
    }

    [Fact]
    public void Parse_AddressList_KeepsEveryAddressInOrder()
    {
        var rule = ResolveRules.Parse(" A.Example.:443:[2001:db8::1], 203.0.113.7 ");

        Assert.Equal(("a.example", 443, (int?)null), (rule.Host, rule.Port, rule.TargetPort));
        Assert.Equal([IPAddress.Parse("2001:db8::1"), IPAddress.Parse("203.0.113.7")], rule.Addresses);
    }

    [Fact]
    public void Parse_AddressListWithTargetPort_TargetsEachAddressOnThatPort()
    {
        var rule = ResolveRules.Parse("edge.example:443:203.0.113.7,[2001:db8::1]:8443");

        Assert.Equal([IPEndPoint.Parse("203.0.113.7:8443"), IPEndPoint.Parse("[2001:db8::1]:8443")], rule.Targets(443));
    }

    [Theory]
    [InlineData("ab12.ngrok-free.app:443:127.0.0.1", "other.ngrok-free.app", 443)]
    [InlineData("ab12.ngrok-free.app:443:127.0.0.1", "ab12.ngrok-free.app", 80)]
    [InlineData("*.ngrok-free.app:443:127.0.0.1", "ngrok-free.app.evil.example", 443)]
    [InlineData("*.ngrok-free.app:443:127.0.0.1", "ngrok-free.app", 443)]
    public void Matches_OtherNameOrPort_False(string entry, string host, int port) =>
        Assert.False(ResolveRules.Parse(entry).Matches(host, port));

    [Theory]
    [InlineData("host:443", "is not host:port:address")]
    [InlineData("host:0:127.0.0.1", "port '0'")]
    [InlineData("host:https:203.0.113.7", "port 'https'")]
    [InlineData("host:443:not-an-address", "'not-an-address'")]
    [InlineData("host:443:[::1", "'[::1'")]
    [InlineData("host:443:[127.0.0.1]", "'[127.0.0.1]'")]
    [InlineData("host:443:127.0.0.1:0", "'127.0.0.1:0'")]
    [InlineData("host:443:", "''")]
    [InlineData(":443:127.0.0.1", "no valid host")]
    [InlineData("+host:443:127.0.0.1", "no valid host")]
    [InlineData("a*.example:443:127.0.0.1", "no valid host")]
    [InlineData("*.:443:127.0.0.1", "no valid host")]
    public void TryParse_BadEntry_RefusedSayingWhatIsWrong(string entry, string named)
    {
        Assert.False(ResolveRules.TryParse(entry, out _, out var error));

        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ResolveRules.Parse(entry));
    }

    [Fact]
    public void Match_NameAndWildcards_MostSpecificWinsWhateverTheOrder()
    {
        ResolveRule[] rules =
        [
            ResolveRules.Parse("*:*:10.0.0.1"),
            ResolveRules.Parse("*:443:10.0.0.2"),
            ResolveRules.Parse("*.example:443:10.0.0.3"),
            ResolveRules.Parse("*.a.example:443:10.0.0.4"),
            ResolveRules.Parse("x.a.example:*:10.0.0.5"),
            ResolveRules.Parse("x.a.example:443:10.0.0.6"),
        ];

        Assert.Equal("10.0.0.6", Target(rules, "x.a.example", 443));
        Assert.Equal("10.0.0.5", Target(rules, "x.a.example", 80));
        Assert.Equal("10.0.0.4", Target(rules, "y.a.example", 443));
        Assert.Equal("10.0.0.3", Target(rules, "y.example", 443));
        Assert.Equal("10.0.0.2", Target(rules, "elsewhere.test", 443));
        Assert.Equal("10.0.0.1", Target(rules, "elsewhere.test", 80));
        Assert.Equal("10.0.0.6", Target([.. rules.Reverse()], "x.a.example", 443));
    }

    [Fact]
    public void Match_EqualRules_FirstListedWins()
    {
        ResolveRule[] rules = [ResolveRules.Parse("a.example:443:10.0.0.1"), ResolveRules.Parse("a.example:443:10.0.0.2")];

        Assert.Equal("10.0.0.1", Target(rules, "a.example", 443));
        Assert.Null(ResolveRules.Match(rules, "b.example", 443));
    }

    private static string? Target(ResolveRule[] rules, string host, int port) =>
        ResolveRules.Match(rules, host, port)?.Addresses[0].ToString();
}
