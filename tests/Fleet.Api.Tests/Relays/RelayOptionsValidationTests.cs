using Fleet.Api.Relays;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Tests.Relays;

/// <summary>Relay:Relays is checked at start: each mistake is one line naming the key and what to write instead.</summary>
public sealed class RelayOptionsValidationTests
{
    [Theory]
    [InlineData("PortRange", "30000-20000", "Relay:Relays:0:PortRange '30000-20000' must be FROM-TO")]
    [InlineData("PortRange", "80-90", "Relay:Relays:0:PortRange '80-90' must be FROM-TO with 1024")]
    [InlineData("PortRange", "20000", "Relay:Relays:0:PortRange '20000' must be FROM-TO")]
    [InlineData("Name", "Edge 1", "Relay:Relays:0:Name 'Edge 1' must be 1-63 lower-case letters")]
    [InlineData("Host", "", "Relay:Relays:0:Host must be the relay's host name")]
    [InlineData("SshPort", "0", "Relay:Relays:0:SshPort must be a port from 1 to 65535")]
    [InlineData("User", "Root!", "Relay:Relays:0:User 'Root!' is not a user name")]
    public void Relay_WrongValue_FailsNamingTheKey(string key, string value, string expected)
    {
        var settings = Valid("0");
        settings[$"Relay:Relays:0:{key}"] = value;

        var failure = Assert.Throws<OptionsValidationException>(() => Options(settings));

        var line = Assert.Single(failure.Failures);
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void TwoRelays_OneName_FailsNamingTheSecond()
    {
        var settings = Valid("0");
        foreach (var (key, value) in Valid("1"))
        {
            settings[key] = value;
        }

        var failure = Assert.Throws<OptionsValidationException>(() => Options(settings));

        Assert.StartsWith("Relay:Relays:1:Name 'edge' is used by an earlier relay", Assert.Single(failure.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Relay_OnlyNameAndHost_TakesTheDefaults()
    {
        var relay = Assert.Single(Options(new() { ["Relay:Relays:0:Name"] = "edge", ["Relay:Relays:0:Host"] = "relay.example.org" }).Relays);

        Assert.Equal((22, "fleet-relay", (20000, 29999)), (relay.SshPort, relay.User, relay.Ports));
        Assert.Null(relay.RemoteBindAddress);
    }

    [Fact]
    public void NoRelays_IsValid() => Assert.Empty(Options([]).Relays);

    private static Dictionary<string, string?> Valid(string index) => new()
    {
        [$"Relay:Relays:{index}:Name"] = "edge",
        [$"Relay:Relays:{index}:Host"] = "relay.example.org",
        [$"Relay:Relays:{index}:SshPort"] = "22",
        [$"Relay:Relays:{index}:User"] = "fleet-relay",
        [$"Relay:Relays:{index}:PortRange"] = "20000-29999",
    };

    private static RelayOptions Options(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddFleetRelays();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<RelayOptions>>().Value;
    }
}
