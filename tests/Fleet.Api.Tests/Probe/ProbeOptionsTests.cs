using Fleet.Api.Reachability;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Tests.Probe;

/// <summary>Wrong Probe:* settings fail the start with a message that names the key and the fix.</summary>
public sealed class ProbeOptionsTests
{
    [Theory]
    [InlineData("Probe:AllowedNetworks:0", "10.0.0.0/33", "Probe:AllowedNetworks")]
    [InlineData("Probe:Resolve:0", "edge.example:443", "Probe:Resolve")]
    [InlineData("Probe:Resolve:0", "edge.example:https:203.0.113.7", "Probe:Resolve")]
    [InlineData("Probe:Timeout", "00:02:00", "Probe:Timeout")]
    [InlineData("Probe:MaxConcurrency", "0", "MaxConcurrency")]
    public void Options_BadValue_FailsNamingTheKey(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve((key, value)));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_OffWithTheDocumentedLimits()
    {
        var options = Resolve();

        Assert.False(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Interval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.Equal((64, 4, 8 * 1024), (options.MaxConcurrency, options.MaxPerHost, options.MaxResponseBytes));
        Assert.Empty(options.AllowedNetworks);
    }

    [Fact]
    public void ResolveEntry_Ipv6AndLists_Parsed()
    {
        var listed = ResolveEntry.Parse("A.Example.:443:[2001:db8::1],203.0.113.7");
        var bare = ResolveEntry.Parse("b.example:80:2001:db8::2");

        Assert.Equal(("a.example", 443), (listed!.Host, listed.Port));
        Assert.Equal([System.Net.IPAddress.Parse("2001:db8::1"), System.Net.IPAddress.Parse("203.0.113.7")], listed.Addresses);
        Assert.Equal(System.Net.IPAddress.Parse("2001:db8::2"), Assert.Single(bare!.Addresses));
    }

    private static ProbeOptions Resolve(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddFleetProbe();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<ProbeOptions>>().Value;
    }
}
