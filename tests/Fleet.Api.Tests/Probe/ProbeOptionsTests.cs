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
    public void Options_ResolveWithATargetPort_FailsNamingTheKeyAndTheFix()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(("Probe:Resolve:0", "edge.example:443:127.0.0.1:8443")));

        Assert.Contains("Probe:Resolve entry 'edge.example:443:127.0.0.1:8443'", error.Message, StringComparison.Ordinal);
        Assert.Contains("drop the last ':8443'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ResolveWildcardsAndLists_Accepted()
    {
        var options = Resolve(("Probe:Resolve:0", "*.ngrok-free.app:*:[2001:db8::1],203.0.113.7"), ("Probe:Resolve:1", "*:443:203.0.113.8"));

        Assert.Equal(2, options.Resolve.Count);
    }

    [Fact]
    public async Task ProbeResolver_NameAndWildcardRules_NameWinsAndWildcardAnswersTheRest()
    {
        var resolver = new ProbeResolver(Options.Create(new ProbeOptions
        {
            Resolve = ["*.probe.test:*:203.0.113.1", "a.probe.test:443:203.0.113.2,203.0.113.3"],
        }));

        var named = await resolver.ResolveAsync("A.Probe.Test", 443, CancellationToken.None);
        var wildcard = await resolver.ResolveAsync("b.probe.test", 8080, CancellationToken.None);

        Assert.Equal(["203.0.113.2", "203.0.113.3"], named.Select(a => a.ToString()));
        Assert.Equal("203.0.113.1", Assert.Single(wildcard).ToString());
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
