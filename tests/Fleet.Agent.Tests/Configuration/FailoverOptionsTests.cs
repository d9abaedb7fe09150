using Fleet.Agent.Configuration;

namespace Fleet.Agent.Tests.Configuration;

/// <summary>Agent:Providers and Agent:Failover as the start-up validation reads them.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FailoverOptionsTests
{
    private static AgentOptions Valid() => new()
    {
        DetectorId = "pi-042",
        Provider = "static",
        Static = new StaticSettings { Tunnels = [new StaticTunnel { Name = "web", Url = "https://203.0.113.5" }] },
        Mqtt = new MqttSettings { Host = "broker", Password = "secret-from-environment" },
    };

    private static List<string> Errors(AgentOptions options) =>
        new AgentOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void Providers_Unset_TheSingleProviderIsTheChain()
    {
        var options = Valid();

        Assert.Equal(["static"], options.EffectiveProviders);
        Assert.Empty(Errors(options));
    }

    [Fact]
    public void Providers_Chain_EveryProviderInItIsValidated()
    {
        var options = Valid();
        options.Providers = ["ngrok", "cloudflared", "static"];
        options.Cloudflared.Url = "ftp://localhost";

        var errors = Errors(options);

        Assert.Equal(["ngrok", "cloudflared", "static"], options.EffectiveProviders);
        Assert.Contains(errors, e => e.StartsWith("Agent:Cloudflared", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("carrier-pigeon", "is not a provider")]
    [InlineData("static", "names a provider twice")]
    public void Providers_Bad_NamesTheKey(string second, string expected)
    {
        var options = Valid();
        options.Providers = ["static", second];

        Assert.Contains(Errors(options), e => e.StartsWith("Agent:Providers", StringComparison.Ordinal) && e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Failover_OutOfRange_NamesTheKeys()
    {
        var options = Valid();
        options.Failover.CrashLoopCount = 1;
        options.Failover.RetryPreferredAfter = TimeSpan.FromHours(2);
        options.Failover.TrialTimeout = TimeSpan.Zero;

        var errors = Errors(options);

        Assert.Contains(errors, e => e.StartsWith("Agent:Failover:CrashLoopCount", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Failover:RetryPreferredAfter", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Failover:TrialTimeout", StringComparison.Ordinal));
    }
}
