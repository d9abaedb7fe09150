using Fleet.Domain.Topics;

namespace Fleet.Domain.Tests.Topics;

public sealed class FleetTopicsTests
{
    [Theory]
    [InlineData("fleet/v1/detectors/pi-1/status", "pi-1", DetectorTopicKind.Status)]
    [InlineData("fleet/v1/detectors/pi-1/state", "pi-1", DetectorTopicKind.State)]
    [InlineData("fleet/v1/detectors/0/state", "0", DetectorTopicKind.State)]
    public void TryParseDetectorTopic_StatusOrState_ReturnsIdAndKind(string topic, string expectedId, DetectorTopicKind expectedKind)
    {
        Assert.True(FleetTopics.TryParseDetectorTopic(topic, out var id, out var kind));
        Assert.Equal(expectedId, id);
        Assert.Equal(expectedKind, kind);
    }

    [Theory]
    [InlineData("fleet/v1/detectors/pi-1/state/x")]
    [InlineData("fleet/v1/detectors/pi-1/status/")]
    [InlineData("fleet/v1/detectors/pi-1/state/state")]
    [InlineData("fleet/v1/detectors/pi-1/config")]
    [InlineData("fleet/v1/detectors/pi-1/State")]
    [InlineData("fleet/v1/detectors/pi-1/")]
    [InlineData("fleet/v1/detectors/pi-1")]
    [InlineData("fleet/v1/detectors/")]
    [InlineData("fleet/v1/detectors//state")]
    [InlineData("fleet/v1/detectors/PI-1/state")]
    [InlineData("fleet/v1/detectors/-pi/state")]
    [InlineData("fleet/v1/detectors/+/state")]
    [InlineData("fleet/v1/detectors/#")]
    [InlineData("fleet/v1/detectors/pi_1/status")]
    [InlineData("fleet/v1/detectors/pi-1\n/status")]
    [InlineData("fleet/v2/detectors/pi-1/state")]
    [InlineData("fleet/v1/registry/pi-1")]
    [InlineData("fleet/v1/events/pi-1")]
    [InlineData("fleet/v1/api/status")]
    [InlineData("x/fleet/v1/detectors/pi-1/state")]
    [InlineData("/fleet/v1/detectors/pi-1/state")]
    [InlineData("FLEET/v1/detectors/pi-1/state")]
    [InlineData("")]
    public void TryParseDetectorTopic_AnythingElse_ReturnsFalse(string topic)
    {
        Assert.False(FleetTopics.TryParseDetectorTopic(topic, out var id, out _));
        Assert.Equal(string.Empty, id);
    }

    [Fact]
    public void TryParseDetectorTopic_OwnBuilders_RoundTrip()
    {
        Assert.True(FleetTopics.TryParseDetectorTopic(FleetTopics.Status("pi-042"), out var statusId, out var statusKind));
        Assert.True(FleetTopics.TryParseDetectorTopic(FleetTopics.State("pi-042"), out var stateId, out var stateKind));

        Assert.Equal(("pi-042", DetectorTopicKind.Status), (statusId, statusKind));
        Assert.Equal(("pi-042", DetectorTopicKind.State), (stateId, stateKind));
    }

    [Fact]
    public void TopicNames_AreTheContractsNames()
    {
        Assert.Equal("fleet/v1/detectors/pi-042/status", FleetTopics.Status("pi-042"));
        Assert.Equal("fleet/v1/detectors/pi-042/state", FleetTopics.State("pi-042"));
        Assert.Equal("fleet/v1/registry/pi-042", FleetTopics.Registry("pi-042"));
        Assert.Equal("fleet/v1/events/pi-042", FleetTopics.Events("pi-042"));
        Assert.Equal("fleet/v1/api/status", FleetTopics.ApiStatus);
        Assert.Equal("fleet/v1/control/resync", FleetTopics.ControlResync);
        Assert.Equal("fleet/v1/detectors/+/+", FleetTopics.AllDetectorTopics);
        Assert.Equal("$share/fleet-api/fleet/v1/detectors/+/+", FleetTopics.Shared("fleet-api", FleetTopics.AllDetectorTopics));
    }
}
