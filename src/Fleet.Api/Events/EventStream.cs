using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Events;

/// <summary>
/// Fans committed changes out to the live <c>GET /events</c> subscribers. Each subscriber has its own bounded queue
/// that drops its oldest item when the client reads too slowly, so a slow browser never holds up the ingest.
/// Items are serialized once, here, with the wire contract's JSON context.
/// </summary>
internal sealed class EventStream(IOptions<EventsOptions> options)
{
    public const string FleetEventType = "fleet-event";
    public const string DetectorType = "detector";

    private readonly ConcurrentDictionary<Subscription, byte> _subscribers = new();

    public int SubscriberCount => _subscribers.Count;

    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<StreamItem>(new BoundedChannelOptions(options.Value.SubscriberCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.DropOldest,
        });
        var subscription = new Subscription(this, channel);
        _subscribers.TryAdd(subscription, 0);
        return subscription;
    }

    public void Publish(FleetEvent fleetEvent) =>
        Broadcast(FleetEventType, JsonSerializer.Serialize(fleetEvent, FleetJsonContext.Default.FleetEvent));

    public void Publish(DetectorView view) =>
        Broadcast(DetectorType, JsonSerializer.Serialize(view, FleetJsonContext.Default.DetectorView));

    private void Broadcast(string type, string json)
    {
        if (_subscribers.IsEmpty)
        {
            return;
        }

        var item = new StreamItem(type, json);
        foreach (var subscriber in _subscribers.Keys)
        {
            // DropOldest: never waits, never fails while the subscription is open.
            subscriber.Writer.TryWrite(item);
        }
    }

    private void Remove(Subscription subscription) => _subscribers.TryRemove(subscription, out _);

    /// <summary>One server-sent event: its <c>event:</c> type and its JSON <c>data:</c>.</summary>
    internal sealed record StreamItem(string Type, string Json);

    /// <summary>One client's queue; disposing it (the client went away) unsubscribes.</summary>
    internal sealed class Subscription(EventStream stream, Channel<StreamItem> channel) : IDisposable
    {
        public ChannelReader<StreamItem> Reader => channel.Reader;

        internal ChannelWriter<StreamItem> Writer => channel.Writer;

        public void Dispose()
        {
            stream.Remove(this);
            channel.Writer.TryComplete();
        }
    }
}
