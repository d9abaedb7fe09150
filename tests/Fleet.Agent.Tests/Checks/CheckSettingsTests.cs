using System.Net;
using Fleet.Agent.Checks;
using Fleet.Agent.Configuration;

namespace Fleet.Agent.Tests.Checks;

public sealed class CheckSettingsTests
{
    private static List<string> Errors(CheckSettings checks)
    {
        var options = new AgentOptions
        {
            DetectorId = "pi-042",
            Provider = "static",
            Static = new StaticSettings { Tunnels = [new StaticTunnel { Name = "web", Url = "https://203.0.113.5" }] },
            Mqtt = new MqttSettings { Host = "broker", Password = "secret-from-environment" },
            Checks = checks,
        };
        return new AgentOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];
    }

    [Fact]
    public void Defaults_AreValid() => Assert.Empty(Errors(new CheckSettings()));

    [Fact]
    public void BadValues_EachNamesItsKey()
    {
        var errors = Errors(new CheckSettings
        {
            Interval = TimeSpan.FromSeconds(5),
            Timeout = TimeSpan.FromSeconds(30),
            Resolve = ["ab12.ngrok-free.app:443"],
            CaFile = "/nonexistent/ca.pem",
        });

        Assert.Contains(errors, e => e.StartsWith("Agent:Checks:Timeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Checks:Resolve entry 'ab12.ngrok-free.app:443'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Checks:CaFile", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ab12.ngrok-free.app:443:127.0.0.1", "ab12.ngrok-free.app", 443, "127.0.0.1:443")]
    [InlineData("*.ngrok-free.app:443:127.0.0.1:8443", "x.ngrok-free.app", 443, "127.0.0.1:8443")]
    [InlineData("0.tcp.eu.ngrok.io:*:[::1]:9000", "0.tcp.eu.ngrok.io", 12345, "[::1]:9000")]
    [InlineData("*:80:10.0.0.1", "anything.example", 80, "10.0.0.1:80")]
    public void Resolve_Entry_MapsLikeCurl(string entry, string host, int port, string target)
    {
        var parsed = ResolveOverride.TryParse(entry);

        Assert.NotNull(parsed);
        Assert.True(parsed.Matches(host, port));
        Assert.Equal(IPEndPoint.Parse(target), parsed.Target(port));
    }

    [Theory]
    [InlineData("ab12.ngrok-free.app:443:127.0.0.1", "other.ngrok-free.app", 443)]
    [InlineData("ab12.ngrok-free.app:443:127.0.0.1", "ab12.ngrok-free.app", 80)]
    [InlineData("*.ngrok-free.app:443:127.0.0.1", "ngrok-free.app.evil.example", 443)]
    public void Resolve_Entry_DoesNotMatchOtherNames(string entry, string host, int port) =>
        Assert.False(ResolveOverride.TryParse(entry)!.Matches(host, port));

    [Theory]
    [InlineData("host:443")]
    [InlineData("host:0:127.0.0.1")]
    [InlineData("host:443:not-an-address")]
    [InlineData("host:443:[::1")]
    [InlineData(":443:127.0.0.1")]
    public void Resolve_BadEntry_Refused(string entry) => Assert.Null(ResolveOverride.TryParse(entry));
}
