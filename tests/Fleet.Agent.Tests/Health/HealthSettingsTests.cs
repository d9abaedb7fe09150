using Fleet.Agent.Configuration;
using Fleet.Agent.Health;

namespace Fleet.Agent.Tests.Health;

public sealed class HealthSettingsTests
{
    private static List<string> Errors(HealthSettings health)
    {
        var options = new AgentOptions
        {
            DetectorId = "pi-042",
            Provider = "static",
            Static = new StaticSettings { Tunnels = [new StaticTunnel { Name = "web", Url = "https://203.0.113.5" }] },
            Mqtt = new MqttSettings { Host = "broker", Password = "secret-from-environment" },
            Health = health,
        };
        return new AgentOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];
    }

    [Fact]
    public void Defaults_AreValid() => Assert.Empty(Errors(new HealthSettings()));

    [Fact]
    public void GoodChecks_AreValid() => Assert.Empty(Errors(new HealthSettings
    {
        PublicIpUrl = "https://api.ipify.org",
        Checks =
        [
            new HealthCheckSettings { Name = "daq", Command = ["/usr/local/bin/check-daq", "--quiet"] },
            new HealthCheckSettings { Name = "web", Url = "http://localhost:8080/health" },
        ],
    }));

    [Fact]
    public void BadValues_EachNamesItsKey()
    {
        var errors = Errors(new HealthSettings
        {
            PublicIpUrl = "ftp://example.com",
            Checks =
            [
                new HealthCheckSettings { Name = "daq", Command = ["/bin/true"], Url = "http://localhost/" },
                new HealthCheckSettings { Name = "daq", Url = "file:///etc/passwd" },
                new HealthCheckSettings { Name = "", Command = ["/bin/true"], Timeout = TimeSpan.FromMinutes(5), Interval = TimeSpan.FromMinutes(1) },
            ],
        });

        Assert.Contains(errors, e => e.StartsWith("Agent:Health:PublicIpUrl", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Health:Checks:0 needs exactly one of Command", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Health:Checks:1:Name 'daq' is used by another check", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Health:Checks:1:Url", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Health:Checks:2:Name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Health:Checks:2:Timeout", StringComparison.Ordinal));
    }
}
