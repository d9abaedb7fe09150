using Fleet.Agent.Configuration;
using Fleet.Agent.Tests.Logging;

namespace Fleet.Agent.Tests.Configuration;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentOptionsValidatorTests
{
    private static AgentOptions Valid() => new()
    {
        DetectorId = "pi-042",
        Provider = "static",
        Static = new StaticSettings { Tunnels = [new StaticTunnel { Name = "web", Url = "https://203.0.113.5" }] },
        Mqtt = new MqttSettings { Host = "broker", Password = "secret-from-environment" },
    };

    private static IReadOnlyList<string> Errors(AgentOptions options)
    {
        var annotations = new AgentOptionsAnnotationsValidator().Validate(null, options);
        var rules = new AgentOptionsValidator().Validate(null, options);
        return [.. annotations.Failures ?? [], .. rules.Failures ?? []];
    }

    [Fact]
    public void ValidOptions_HaveNoErrors() => Assert.Empty(Errors(Valid()));

    [Theory]
    [InlineData("Pi_042", "Agent:DetectorId")]
    [InlineData("api-1", "reserved")]
    public void BadDetectorId_IsNamed(string id, string expected)
    {
        var options = Valid();
        options.DetectorId = id;

        Assert.Contains(Errors(options), e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void EachProblem_NamesTheKeyToFix()
    {
        var options = Valid();
        options.Mqtt.Password = null;
        options.Heartbeat = TimeSpan.Zero;
        options.Static.Tunnels[0].Url = "javascript:alert(1)";
        options.Provider = "carrier-pigeon";

        var errors = Errors(options);

        Assert.Contains(errors, e => e.Contains("Agent:Mqtt:PasswordFile", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Agent:Heartbeat", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Agent:Provider", StringComparison.Ordinal));
    }

    [Fact]
    public void StaticTunnel_WithForbiddenUrl_IsRefused()
    {
        var options = Valid();
        options.Static.Tunnels[0].Url = "http://169.254.169.254/latest";

        Assert.Contains(Errors(options), e => e.Contains("Agent:Static:Tunnels", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://192.168.1.20:8080")]
    [InlineData("http://10.0.0.5")]
    [InlineData("https://[fd12::1]")]
    public void StaticTunnel_OnAPrivateNetwork_IsAccepted_TheApiDecides(string url)
    {
        var options = Valid();
        options.Static.Tunnels[0].Url = url;

        Assert.Empty(Errors(options));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://localhost")]
    [InlineData("http://[::1]")]
    public void StaticTunnel_OnLoopback_IsRefused(string url)
    {
        var options = Valid();
        options.Static.Tunnels[0].Url = url;

        Assert.Contains(Errors(options), e => e.Contains("Agent:Static:Tunnels", StringComparison.Ordinal));
    }

    [Fact]
    public void ReverseSsh_WithoutRelayOrUrl_IsRefused()
    {
        var options = Valid();
        options.Provider = "reverse-ssh";

        var errors = Errors(options);

        Assert.Contains(errors, e => e.Contains("Agent:ReverseSsh:Relay", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Agent:ReverseSsh:PublicUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void PasswordFile_ReadableByEveryone_IsRefusedWithoutShowingItsContent()
    {
        using var temp = new TempDirectory();
        var file = temp.Combine("mqtt-password");
        File.WriteAllText(file, "s3cret-value\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var problem = MqttPassword.CheckFile(file);
        var thrown = Assert.Throws<InvalidOperationException>(() => MqttPassword.Read(new MqttSettings { PasswordFile = file }));

        Assert.Contains("readable by every user", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-value", thrown.Message, StringComparison.Ordinal);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal("s3cret-value", MqttPassword.Read(new MqttSettings { PasswordFile = file }));
    }

    [Fact]
    public void CaFile_WithoutUseTls_IsRefused()
    {
        var options = Valid();
        options.Mqtt.CaFile = "/etc/fleet/broker-ca.pem";

        Assert.Contains(Errors(options), e => e.Contains("Agent:Mqtt:CaFile", StringComparison.Ordinal) && e.Contains("UseTls", StringComparison.Ordinal));
    }

    [Fact]
    public void CaFile_MissingOrWithoutACertificate_IsRefusedWithTheReason()
    {
        var notPem = Path.GetTempFileName();
        File.WriteAllText(notPem, "not a certificate");
        try
        {
            var missing = Valid();
            missing.Mqtt.UseTls = true;
            missing.Mqtt.CaFile = notPem + ".missing";
            var empty = Valid();
            empty.Mqtt.UseTls = true;
            empty.Mqtt.CaFile = notPem;

            Assert.Contains(Errors(missing), e => e.StartsWith("Agent:Mqtt:CaFile: cannot read", StringComparison.Ordinal));
            Assert.Contains(Errors(empty), e => e.StartsWith("Agent:Mqtt:CaFile:", StringComparison.Ordinal) && e.Contains("no PEM certificate", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(notPem);
        }
    }
}
