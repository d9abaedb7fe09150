using Fleet.Api.Mqtt;
using Fleet.Api.Provisioning;
using Fleet.Domain.Broker;

namespace Fleet.Api.Tests.Provisioning;

/// <summary>Which broker endpoints a provisioned agent is told to use (AgentBrokerEndpoints), in the rule's order.</summary>
public sealed class AgentBrokerEndpointsTests
{
    private static readonly MqttOptions Embedded = new() { Mode = MqttMode.Embedded };
    private static readonly MqttOptions External = new() { Mode = MqttMode.External };

    [Fact]
    public void For_ConfiguredEndpoints_AreListedInTheirOrder()
    {
        var options = new ProvisioningOptions { MqttEndpoints = ["mqtts://broker.example.org:8883", "wss://fleet.example.org/mqtt"], UseTls = false };

        var endpoints = AgentBrokerEndpoints.For(options, Embedded, embeddedTlsPort: null, host: "ignored");

        Assert.Equal(["mqtts://broker.example.org:8883", "wss://fleet.example.org:443/mqtt"], endpoints.Select(e => e.Address));
    }

    [Fact]
    public void For_EmbeddedBrokerWithItsTlsListener_IsMqttsToThatPort()
    {
        var endpoints = AgentBrokerEndpoints.For(new ProvisioningOptions(), Embedded, embeddedTlsPort: 8883, host: "fleet.example.org");

        Assert.Equal(new MqttEndpoint(MqttTransport.Tls, "fleet.example.org", 8883, string.Empty), Assert.Single(endpoints));
    }

    [Fact]
    public void For_UseTlsWithoutAPort_IsMqttsOn8883()
    {
        var endpoints = AgentBrokerEndpoints.For(new ProvisioningOptions { UseTls = true }, External, embeddedTlsPort: null, host: "mqtt.example.org");

        Assert.Equal("mqtts://mqtt.example.org:8883", Assert.Single(endpoints).Address);
    }

    [Fact]
    public void For_NothingEncryptedConfigured_IsPlainMqttToTheBrokerPort()
    {
        var endpoints = AgentBrokerEndpoints.For(new ProvisioningOptions(), External, embeddedTlsPort: null, host: "mqtt.example.org");

        Assert.False(Assert.Single(endpoints).UseTls);
        Assert.Equal("mqtt://mqtt.example.org:1883", endpoints[0].Address);
    }

    [Theory]
    [InlineData("http://fleet.example.org", "Provisioning:MqttEndpoints:1: 'http://' is not a transport")]
    [InlineData("not a uri", "Provisioning:MqttEndpoints:1: 'not a uri' is not a URI")]
    [InlineData("mqtts://user:secret@fleet.example.org", "Provisioning:MqttEndpoints:1: an endpoint for fleet.example.org carries a user name or password")]
    public void Validate_AnEntryAgentsCannotUse_IsNamedWithItsKey(string entry, string expected)
    {
        var error = AgentBrokerEndpoints.Validate(new ProvisioningOptions { MqttEndpoints = ["mqtts://fleet.example.org", entry] });

        Assert.NotNull(error);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
    }
}
