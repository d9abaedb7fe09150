using Fleet.Domain.Topics;

namespace Fleet.Domain.Tests.Topics;

public sealed class TopicAclTests
{
    private const string Pi = "pi-1";

    [Theory]
    [InlineData("fleet/v1/detectors/pi-1/status")]
    [InlineData("fleet/v1/detectors/pi-1/state")]
    public void CanPublish_DetectorOwnStatusOrState_IsAllowed(string topic) =>
        Assert.True(TopicAcl.CanPublish(BrokerRole.Detector, Pi, topic));

    [Theory]
    [InlineData("fleet/v1/detectors/pi-2/status")]
    [InlineData("fleet/v1/detectors/pi-2/state")]
    [InlineData("fleet/v1/detectors/pi-10/state")]
    [InlineData("fleet/v1/detectors/pi/state")]
    [InlineData("fleet/v1/detectors/pi-1/state/x")]
    [InlineData("fleet/v1/detectors/pi-1/status/extra")]
    [InlineData("fleet/v1/detectors/pi-1/config")]
    [InlineData("fleet/v1/detectors/pi-1")]
    [InlineData("fleet/v1/detectors/pi-1/#")]
    [InlineData("fleet/v1/detectors/+/state")]
    [InlineData("fleet/v1/registry/pi-1")]
    [InlineData("fleet/v1/events/pi-1")]
    [InlineData("fleet/v1/api/status")]
    [InlineData("fleet/v1/control/resync")]
    [InlineData("$share/g/fleet/v1/detectors/pi-1/state")]
    [InlineData("other/pi-1/state")]
    public void CanPublish_DetectorAnyOtherTopic_IsRefused(string topic) =>
        Assert.False(TopicAcl.CanPublish(BrokerRole.Detector, Pi, topic));

    [Theory]
    [InlineData("fleet/v1/detectors/pi-1/state")]
    [InlineData("fleet/v1/control/resync")]
    public void CanSubscribe_DetectorOwnStateOrResync_IsAllowed(string filter) =>
        Assert.True(TopicAcl.CanSubscribe(BrokerRole.Detector, Pi, filter));

    [Theory]
    [InlineData("fleet/v1/detectors/pi-1/status")]
    [InlineData("fleet/v1/detectors/pi-2/state")]
    [InlineData("fleet/v1/detectors/pi-1/#")]
    [InlineData("fleet/v1/detectors/pi-1/+")]
    [InlineData("fleet/v1/detectors/+/state")]
    [InlineData("fleet/v1/detectors/+/+")]
    [InlineData("fleet/v1/registry/pi-1")]
    [InlineData("fleet/v1/registry/+")]
    [InlineData("fleet/v1/events/pi-1")]
    [InlineData("fleet/v1/control/#")]
    [InlineData("fleet/v1/#")]
    [InlineData("#")]
    [InlineData("$share/g/fleet/v1/detectors/pi-2/state")]
    [InlineData("$share/g/#")]
    public void CanSubscribe_DetectorAnyOtherFilter_IsRefused(string filter) =>
        Assert.False(TopicAcl.CanSubscribe(BrokerRole.Detector, Pi, filter));

    [Theory]
    [InlineData("+")]
    [InlineData("#")]
    [InlineData("pi-1/+")]
    [InlineData("")]
    [InlineData("PI-1")]
    public void Detector_WithUsernameThatIsNotAnId_GetsNothing(string username)
    {
        // A username with wildcards would otherwise turn "its own" state topic into a filter over every detector.
        Assert.False(TopicAcl.CanSubscribe(BrokerRole.Detector, username, "fleet/v1/detectors/+/state"));
        Assert.False(TopicAcl.CanSubscribe(BrokerRole.Detector, username, FleetTopics.State(username)));
        Assert.False(TopicAcl.CanPublish(BrokerRole.Detector, username, FleetTopics.State(username)));
        Assert.False(TopicAcl.CanPublish(BrokerRole.Detector, username, FleetTopics.Status(username)));
    }

    [Theory]
    [InlineData("fleet/v1/registry/pi-1")]
    [InlineData("fleet/v1/events/pi-1")]
    [InlineData("fleet/v1/api/status")]
    [InlineData("fleet/v1/control/resync")]
    public void CanPublish_ApiRegistryEventsStatusResync_IsAllowed(string topic) =>
        Assert.True(TopicAcl.CanPublish(BrokerRole.Api, "api", topic));

    [Theory]
    [InlineData("fleet/v1/detectors/pi-1/status")]
    [InlineData("fleet/v1/detectors/pi-1/state")]
    [InlineData("fleet/v1/registry")]
    [InlineData("fleet/v1/events")]
    [InlineData("fleet/v1/api/status/x")]
    [InlineData("fleet/v1/control/other")]
    [InlineData("fleet/v2/registry/pi-1")]
    [InlineData("registry/pi-1")]
    public void CanPublish_ApiOtherTopic_IsRefused(string topic) =>
        Assert.False(TopicAcl.CanPublish(BrokerRole.Api, "api", topic));

    [Theory]
    [InlineData("fleet/v1/detectors/+/+")]
    [InlineData("$share/group/fleet/v1/detectors/+/+")]
    [InlineData("$share/fleet-api/fleet/v1/detectors/+/status")]
    [InlineData("fleet/v1/detectors/pi-1/state")]
    public void CanSubscribe_ApiDetectorTopics_IsAllowed(string filter) =>
        Assert.True(TopicAcl.CanSubscribe(BrokerRole.Api, "api", filter));

    [Theory]
    [InlineData("#")]
    [InlineData("fleet/v1/#")]
    [InlineData("fleet/v1/registry/+")]
    [InlineData("fleet/v1/control/resync")]
    [InlineData("$share/group")]
    [InlineData("$share/group/#")]
    [InlineData("$share//fleet/v1/registry/+")]
    public void CanSubscribe_ApiOtherFilter_IsRefused(string filter) =>
        Assert.False(TopicAcl.CanSubscribe(BrokerRole.Api, "api", filter));

    [Theory]
    [InlineData("fleet/v1/registry/+")]
    [InlineData("fleet/v1/registry/#")]
    [InlineData("fleet/v1/events/+")]
    [InlineData("fleet/v1/events/pi-1")]
    [InlineData("fleet/v1/detectors/+/+")]
    [InlineData("fleet/v1/detectors/pi-1/status")]
    [InlineData("fleet/v1/#")]
    public void CanSubscribe_MonitorRegistryEventsDetectors_IsAllowed(string filter) =>
        Assert.True(TopicAcl.CanSubscribe(BrokerRole.Monitor, "monitor", filter));

    [Theory]
    [InlineData("#")]
    [InlineData("fleet/#")]
    [InlineData("fleet/+/#")]
    [InlineData("fleet/v2/#")]
    [InlineData("fleet/v1/control/resync")]
    [InlineData("$share/dash/#")]
    [InlineData("$share/dash/fleet/v1/events/#")]
    public void CanSubscribe_MonitorOtherFilter_IsRefused(string filter) =>
        Assert.False(TopicAcl.CanSubscribe(BrokerRole.Monitor, "monitor", filter));

    // Issue 11, finding 6: a shared group takes turns, so any member but the API takes messages meant for the API.
    [Theory]
    [InlineData(BrokerRole.Monitor, "monitor", "$share/fleet-api/fleet/v1/detectors/+/+")]
    [InlineData(BrokerRole.Monitor, "monitor", "$share/other/fleet/v1/detectors/+/+")]
    [InlineData(BrokerRole.Monitor, "monitor", "$share/fleet-api/fleet/v1/registry/#")]
    [InlineData(BrokerRole.Monitor, "monitor", "$share/fleet-api/fleet/v1/#")]
    [InlineData(BrokerRole.Detector, Pi, "$share/fleet-api/fleet/v1/detectors/+/+")]
    [InlineData(BrokerRole.Detector, Pi, "$share/g/fleet/v1/detectors/pi-1/state")]
    [InlineData(BrokerRole.Detector, Pi, "$share/g/fleet/v1/control/resync")]
    public void CanSubscribe_SharedSubscriptionByAnyoneButTheApi_IsRefused(BrokerRole role, string username, string filter) =>
        Assert.False(TopicAcl.CanSubscribe(role, username, filter));

    [Theory]
    [InlineData("fleet/v1/registry/pi-1")]
    [InlineData("fleet/v1/events/pi-1")]
    [InlineData("fleet/v1/detectors/monitor/status")]
    [InlineData("fleet/v1/detectors/pi-1/state")]
    [InlineData("fleet/v1/api/status")]
    [InlineData("fleet/v1/control/resync")]
    public void CanPublish_Monitor_IsAlwaysRefused(string topic) =>
        Assert.False(TopicAcl.CanPublish(BrokerRole.Monitor, "monitor", topic));

    [Theory]
    [InlineData("fleet/v1/detectors/pi-1/status")]
    [InlineData("fleet/v1/detectors/pi-1/state")]
    [InlineData("fleet/v1/detectors/pi-042/state")]
    public void CanPublish_ApiZeroBytesToDetectorStatusOrState_IsAllowed(string topic)
    {
        Assert.True(TopicAcl.CanPublish(BrokerRole.Api, "api", topic, payloadLength: 0));
        Assert.True(TopicAcl.CanClear(BrokerRole.Api, topic));
    }

    [Theory]
    [InlineData("fleet/v1/detectors/pi-1/status", 1)]
    [InlineData("fleet/v1/detectors/pi-1/state", 2)]
    [InlineData("fleet/v1/detectors/pi-1/state", 65536)]
    public void CanPublish_ApiContentToDetectorTopic_IsRefused(string topic, int payloadLength) =>
        Assert.False(TopicAcl.CanPublish(BrokerRole.Api, "api", topic, payloadLength));

    [Theory]
    [InlineData("fleet/v1/detectors/pi-1/state/x")]
    [InlineData("fleet/v1/detectors/pi-1/config")]
    [InlineData("fleet/v1/detectors/pi-1")]
    [InlineData("fleet/v1/detectors/+/state")]
    [InlineData("fleet/v1/detectors/#")]
    [InlineData("fleet/v1/detectors/PI-1/state")]
    [InlineData("fleet/v1/detectors/api/status")]
    [InlineData("fleet/v1/detectors/monitor/state")]
    [InlineData("fleet/v1/control/other")]
    [InlineData("other/pi-1/state")]
    public void CanPublish_ApiZeroBytesOutsideDetectorStatusState_IsRefused(string topic)
    {
        Assert.False(TopicAcl.CanPublish(BrokerRole.Api, "api", topic, payloadLength: 0));
        Assert.False(TopicAcl.CanClear(BrokerRole.Api, topic));
    }

    [Theory]
    [InlineData("fleet/v1/registry/pi-1")]
    [InlineData("fleet/v1/events/pi-1")]
    public void CanPublish_ApiZeroBytesOnItsOwnTopics_IsAllowed(string topic) =>
        Assert.True(TopicAcl.CanPublish(BrokerRole.Api, "api", topic, payloadLength: 0));

    [Theory]
    [InlineData(BrokerRole.Detector, "pi-2", "fleet/v1/detectors/pi-1/state")]
    [InlineData(BrokerRole.Detector, "pi-2", "fleet/v1/detectors/pi-1/status")]
    [InlineData(BrokerRole.Monitor, "monitor", "fleet/v1/detectors/pi-1/state")]
    [InlineData(BrokerRole.Monitor, "monitor", "fleet/v1/registry/pi-1")]
    public void CanPublish_ZeroBytesByOthers_ClearsNothingOfAnotherDetector(BrokerRole role, string username, string topic)
    {
        // Only the API may clear another identity's topic; a detector keeps its own two topics, with any payload.
        Assert.False(TopicAcl.CanPublish(role, username, topic, payloadLength: 0));
        Assert.False(TopicAcl.CanClear(role, topic));
    }

    [Fact]
    public void CanPublish_DetectorOwnTopics_AnyPayloadLength_IsAllowed()
    {
        Assert.True(TopicAcl.CanPublish(BrokerRole.Detector, Pi, FleetTopics.State(Pi), payloadLength: 0));
        Assert.True(TopicAcl.CanPublish(BrokerRole.Detector, Pi, FleetTopics.Status(Pi), payloadLength: 120));
    }
}
