using Fleet.Domain.Topics;

namespace Fleet.Domain.Tests.Topics;

/// <summary>Home Assistant discovery's broker rules: the API writes below the prefix, monitors read it, only while it is on.</summary>
public sealed class TopicAclHomeAssistantTests
{
    private const string Prefix = "homeassistant";

    [Fact]
    public void CanPublish_ApiBelowThePrefix_OnlyWhenDiscoveryIsOn()
    {
        const string topic = "homeassistant/binary_sensor/fleet_pi-1/connectivity/config";

        Assert.True(TopicAcl.CanPublish(BrokerRole.Api, "api", topic, 10, Prefix));
        Assert.False(TopicAcl.CanPublish(BrokerRole.Api, "api", topic, 10, discoveryPrefix: null));
        Assert.False(TopicAcl.CanPublish(BrokerRole.Api, "api", "homeassistantx/sensor/a/config", 10, Prefix));
        Assert.False(TopicAcl.CanPublish(BrokerRole.Api, "api", "homeassistant", 10, Prefix));
    }

    [Theory]
    [InlineData(BrokerRole.Detector)]
    [InlineData(BrokerRole.Monitor)]
    public void CanPublish_OthersBelowThePrefix_IsRefused(BrokerRole role) =>
        Assert.False(TopicAcl.CanPublish(role, "pi-1", "homeassistant/sensor/fleet_pi-1/health/config", 10, Prefix));

    [Theory]
    [InlineData("homeassistant/#", true)]
    [InlineData("homeassistant/+/+/+/config", true)]
    [InlineData("homeassistant/status", true)]
    [InlineData("#", false)]
    [InlineData("$share/g/homeassistant/#", false)]
    public void CanSubscribe_MonitorToThePrefix_WhenDiscoveryIsOn(string filter, bool allowed)
    {
        Assert.Equal(allowed, TopicAcl.CanSubscribe(BrokerRole.Monitor, "monitor", filter, Prefix));
        Assert.False(TopicAcl.CanSubscribe(BrokerRole.Monitor, "monitor", filter, discoveryPrefix: null));
        Assert.False(TopicAcl.CanSubscribe(BrokerRole.Detector, "pi-1", filter, Prefix));
    }
}
