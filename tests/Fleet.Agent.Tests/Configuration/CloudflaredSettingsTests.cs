using Fleet.Agent.Configuration;
using Microsoft.Extensions.Configuration;

namespace Fleet.Agent.Tests.Configuration;

public sealed class CloudflaredSettingsTests
{
    private static AgentOptions Options(CloudflaredSettings settings) => new()
    {
        DetectorId = "pi-042",
        Provider = "cloudflared",
        Cloudflared = settings,
        Mqtt = new MqttSettings { Host = "broker", Password = "secret-from-environment" },
    };

    private static IReadOnlyList<string> Errors(AgentOptions options) =>
        [.. new AgentOptionsAnnotationsValidator().Validate(null, options).Failures ?? [], .. new AgentOptionsValidator().Validate(null, options).Failures ?? []];

    [Fact]
    public void Defaults_AreValid() => Assert.Empty(Errors(Options(new CloudflaredSettings())));

    [Theory]
    [InlineData("0.0.0.0:20241", "Agent:Cloudflared:MetricsAddress")]
    [InlineData("192.168.1.20:20241", "Agent:Cloudflared:MetricsAddress")]
    [InlineData("localhost", "Agent:Cloudflared:MetricsAddress")]
    public void MetricsAddress_NotLoopbackIpAndPort_IsRefusedNamingTheKey(string address, string key)
    {
        var errors = Errors(Options(new CloudflaredSettings { MetricsAddress = address }));

        Assert.Contains(errors, e => e.Contains(key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("localhost:80")]
    [InlineData("ssh://localhost:22")]
    [InlineData("")]
    public void Url_NotHttp_IsRefusedNamingTheKey(string url)
    {
        var errors = Errors(Options(new CloudflaredSettings { Url = url }));

        Assert.Contains(errors, e => e.Contains("Agent:Cloudflared:Url", StringComparison.Ordinal));
    }

    [Fact]
    public void Protocol_Unknown_IsRefused_AndOtherProvidersIgnoreTheSection()
    {
        var bad = new CloudflaredSettings { Protocol = "udp" };

        Assert.Contains(Errors(Options(bad)), e => e.Contains("Agent:Cloudflared:Protocol", StringComparison.Ordinal));
        var staticProvider = Options(bad);
        staticProvider.Provider = "static";
        staticProvider.Static.Tunnels.Add(new StaticTunnel { Name = "web", Url = "https://203.0.113.5" });
        Assert.Empty(Errors(staticProvider));
    }

    [Fact]
    public void ExampleConfiguration_WithTheCloudflaredProvider_BindsAndValidates()
    {
        var path = Path.Combine(RepositoryPaths.Root, "infra", "agent", "agent.example.json");
        var options = new AgentOptions();
        new ConfigurationBuilder().AddJsonFile(path).Build().GetSection(AgentOptions.Section).Bind(options);
        options.Provider = "cloudflared";

        Assert.Empty(Errors(options));
        Assert.Equal("/usr/bin/cloudflared", options.Cloudflared.Binary);
        Assert.Equal("127.0.0.1:20241", options.Cloudflared.MetricsAddress);
    }
}
