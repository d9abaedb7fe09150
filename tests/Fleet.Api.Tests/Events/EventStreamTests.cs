using Fleet.Api.Events;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Tests.Events;

/// <summary>The in-process broadcaster behind <c>GET /events</c>.</summary>
public sealed class EventStreamTests
{
    private static EventStream NewStream(int capacity = 16, int perKey = 20, int total = 1000) =>
        new(Options.Create(new EventsOptions { SubscriberCapacity = capacity, MaxStreamsPerKey = perKey, MaxStreams = total }));

    private static FleetEvent Event(int n) => new() { Type = "online", DetectorId = $"pi-{n}", At = DateTimeOffset.UnixEpoch };

    [Fact]
    public void Publish_ReachesEverySubscriber_AsContractJson()
    {
        var stream = NewStream();
        using var one = stream.TrySubscribe("k1")!;
        using var two = stream.TrySubscribe("k2")!;

        stream.Publish(Event(1));

        Assert.True(one.Reader.TryRead(out var a));
        Assert.True(two.Reader.TryRead(out var b));
        Assert.Equal(EventStream.FleetEventType, a.Type);
        Assert.Equal("""{"type":"online","detectorId":"pi-1","at":"1970-01-01T00:00:00Z","data":null}""", a.Json);
        Assert.Equal(a, b);
    }

    [Fact]
    public void SlowSubscriber_IsCutWhenItsQueueIsFull_KeepingTheOldestAndNeverBlockingThePublisher()
    {
        var stream = NewStream(capacity: 16);
        using var slow = stream.TrySubscribe("k1")!;
        using var fast = stream.TrySubscribe("k2")!;

        for (var i = 1; i <= 1000; i++)
        {
            stream.Publish(i, Event(i), view: null);
            while (fast.Reader.TryRead(out _))
            {
            }
        }

        var items = new List<EventStream.StreamItem>();
        while (slow.Reader.TryRead(out var item))
        {
            items.Add(item);
        }

        Assert.True(slow.Overflowed);
        Assert.True(slow.Reader.Completion.IsCompleted);
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long?)i), items.Select(i => i.Id));
        Assert.False(fast.Overflowed);
    }

    [Fact]
    public void Dispose_Unsubscribes_AndCompletesTheReader()
    {
        var stream = NewStream();
        var subscription = stream.TrySubscribe("k1")!;
        Assert.Equal(1, stream.SubscriberCount);

        subscription.Dispose();
        stream.Publish(Event(1));

        Assert.Equal(0, stream.SubscriberCount);
        Assert.True(subscription.Reader.Completion.IsCompleted);
    }

    [Fact]
    public void TrySubscribe_OverTheCapsPerKeyAndInTotal_IsRefused_UntilAStreamCloses()
    {
        var stream = NewStream(perKey: 2, total: 3);
        var first = stream.TrySubscribe("reader")!;
        using var second = stream.TrySubscribe("reader")!;

        Assert.Null(stream.TrySubscribe("reader"));
        using var admin = stream.TrySubscribe("admin");
        Assert.NotNull(admin);
        Assert.Null(stream.TrySubscribe("other"));

        first.Dispose();
        using var again = stream.TrySubscribe("reader");
        Assert.NotNull(again);
    }
}
