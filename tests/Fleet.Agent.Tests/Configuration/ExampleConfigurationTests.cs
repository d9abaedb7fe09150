using Fleet.Agent.Configuration;
using Fleet.Agent.Tests.Ngrok;
using Microsoft.Extensions.Configuration;

namespace Fleet.Agent.Tests.Configuration;

/// <summary>The example the installer puts in /etc/fleet-agent must be a configuration the agent accepts.</summary>
public sealed class ExampleConfigurationTests
{
    [Fact]
    public void ExampleConfiguration_BindsAndValidates()
    {
        var path = System.IO.Path.Combine(RepositoryPaths.Root, "infra", "agent", "agent.example.json");
        var configuration = new ConfigurationBuilder().AddJsonFile(path).Build();
        var options = new AgentOptions();
        configuration.GetSection(AgentOptions.Section).Bind(options);

        var results = new[] { new AgentOptionsAnnotationsValidator().Validate(null, options), new AgentOptionsValidator().Validate(null, options) };

        Assert.All(results, r => Assert.True(r.Succeeded, r.FailureMessage));
        Assert.Equal("pi-042", options.DetectorId);
        Assert.Equal(["/etc/fleet-agent/ngrok.yml"], options.Ngrok.EffectiveConfigFiles);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Mqtt.WillDelay);
    }
}
