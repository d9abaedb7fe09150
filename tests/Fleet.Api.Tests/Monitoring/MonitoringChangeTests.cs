using Fleet.Api.Monitoring;
using Fleet.Domain.Messages;

namespace Fleet.Api.Tests.Monitoring;

/// <summary>The publisher's batch: one change per detector, every event kept in the order queued.</summary>
public sealed class MonitoringChangeTests
{
    [Fact]
    public void Merge_DetectorQueuedTwice_OneChangeAtItsFirstPlaceWithAllEventsInOrder()
    {
        var added = Event("a", EventTypes.TunnelAdded);
        var other = Event("b", EventTypes.Registered);
        var moved = Event("a", EventTypes.UrlChanged);

        var merged = MonitoringChange.Merge([new("a", [added]), new("b", [other]), new("a", []), new("a", [moved])]);

        Assert.Equal(["a", "b"], merged.Select(c => c.DetectorId));
        Assert.Equal([added, moved], merged[0].Events);
        Assert.Equal([other], merged[1].Events);
    }

    [Fact]
    public void Merge_ViewOnlyChanges_KeptWithoutEvents()
    {
        var merged = MonitoringChange.Merge([new("a", []), new("a", [])]);

        Assert.Empty(Assert.Single(merged).Events);
    }

    private static FleetEvent Event(string detectorId, string type) =>
        new() { Type = type, DetectorId = detectorId, At = DateTimeOffset.UnixEpoch };
}
