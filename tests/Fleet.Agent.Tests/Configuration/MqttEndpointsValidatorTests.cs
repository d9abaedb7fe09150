using Fleet.Agent.Configuration;
using Fleet.Domain.Broker;

namespace Fleet.Agent.Tests.Configuration;

/// <summary>Agent:Mqtt:Endpoints, PinSha256 and Proxy: what is accepted, and refusals that name the key and the fix.</summary>
public sealed class MqttEndpointsValidatorTests
{
    private static List<string> Errors(Action<MqttSettings> configure)
    {
        var mqtt = new MqttSettings { Password = "secret" };
        configure(mqtt);
        List<string> errors = [];
        MqttEndpointsValidator.Validate(mqtt, errors);
        return errors;
    }

    [Theory]
    [InlineData("mqtts://broker.example.org", MqttTransport.Tls, 8883, "mqtts://broker.example.org:8883")]
    [InlineData("wss://fleet.example.org/mqtt", MqttTransport.SecureWebSocket, 443, "wss://fleet.example.org:443/mqtt")]
    [InlineData("mqtt://10.0.0.5:1883", MqttTransport.Tcp, 1883, "mqtt://10.0.0.5:1883")]
    [InlineData("ws://[::1]:8080/mqtt", MqttTransport.WebSocket, 8080, "ws://[::1]:8080/mqtt")]
    public void Endpoint_EachScheme_GivesItsTransportAndDefaultPort(string text, MqttTransport transport, int port, string address)
    {
        Assert.True(MqttEndpoint.TryParse(text, MqttEndpoints.Key, out var endpoint, out var error), error);
        Assert.Equal(transport, endpoint.Transport);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(address, endpoint.Address);
    }

    [Fact]
    public void Endpoints_Empty_AreTheOldHostPortAndUseTls()
    {
        var endpoint = Assert.Single(MqttEndpoints.From(new MqttSettings { Host = "broker.example.org", Port = 8883, UseTls = true }));
        Assert.Equal("mqtts://broker.example.org:8883", endpoint.Address);
    }

    [Theory]
    [InlineData("http://broker.example.org", "is not a transport")]
    [InlineData("broker.example.org:8883", "write mqtts://host:8883")]
    [InlineData("mqtts://broker.example.org:8883/mqtt", "only ws:// and wss://")]
    public void Endpoint_Wrong_IsRefusedNamingTheKey(string text, string expected)
    {
        var errors = Errors(m => m.Endpoints = [text]);
        Assert.Contains(errors, e => e.StartsWith("Agent:Mqtt:Endpoints", StringComparison.Ordinal) && e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Endpoint_WithCredentials_IsRefusedWithoutRepeatingThem()
    {
        var error = Assert.Single(Errors(m => m.Endpoints = ["wss://pi:hunter2@fleet.example.org/mqtt"]));
        Assert.Contains("Agent:Mqtt:PasswordFile", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Pins_OpensslAndCurlForms_AreBothAccepted()
    {
        var pin = Convert.ToBase64String(new byte[32]);
        Assert.Equal([pin, pin], MqttPins.Parse($"{pin}; sha256//{pin}"));
        Assert.Empty(Errors(m => (m.Endpoints, m.PinSha256) = (["mqtts://broker.example.org"], $"sha256//{pin}")));
    }

    [Fact]
    public void Pin_NotASha256_IsRefusedWithTheCommandThatPrintsIt()
    {
        var error = Assert.Single(Errors(m => (m.Endpoints, m.PinSha256) = (["mqtts://broker.example.org"], "abc")));
        Assert.StartsWith("Agent:Mqtt:PinSha256", error, StringComparison.Ordinal);
        Assert.Contains("openssl", error, StringComparison.Ordinal);
    }

    [Fact]
    public void PinOrCaFile_WithoutATlsEndpoint_IsRefused()
    {
        var errors = Errors(m => (m.Endpoints, m.PinSha256) = (["mqtt://10.0.0.5"], Convert.ToBase64String(new byte[32])));
        Assert.Contains(errors, e => e.StartsWith("Agent:Mqtt:PinSha256 is set but no endpoint uses TLS", StringComparison.Ordinal));
    }

    [Fact]
    public void Proxy_WithoutAWebSocketEndpoint_IsRefused_AndItsPasswordNeverShown()
    {
        var errors = Errors(m => (m.Endpoints, m.Proxy) = (["mqtts://broker.example.org"], "http://fleet:proxy-secret@proxy.example.org:3128"));
        Assert.Contains(errors, e => e.StartsWith("Agent:Mqtt:Proxy applies to ws:// and wss://", StringComparison.Ordinal));
        Assert.Equal("http://fleet:***@proxy.example.org:3128", MqttProxy.Parse("http://fleet:proxy-secret@proxy.example.org:3128")!.Display);
        Assert.DoesNotContain(Errors(m => m.Proxy = "socks5://fleet:proxy-secret@proxy"), e => e.Contains("proxy-secret", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("fleet.example.org", ".example.org", true)]
    [InlineData("fleet.example.org", "example.org", true)]
    [InlineData("fleet.example.org", "other.org,*", true)]
    [InlineData("fleet.example.org", "example.com", false)]
    public void NoProxy_MatchesDomainsAndSubdomains(string host, string noProxy, bool bypassed) =>
        Assert.Equal(bypassed, MqttProxy.Bypassed(host, noProxy));
}
