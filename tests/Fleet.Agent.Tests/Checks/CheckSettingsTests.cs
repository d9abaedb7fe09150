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
}
