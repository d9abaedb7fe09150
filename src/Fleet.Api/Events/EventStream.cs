using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Events;

/// <summary>
/// Fans committed changes out to the live <c>GET /events</c> subscribers. Each subscriber has its own bounded queue
/// that drops its oldest item when the client reads too slowly, so a slow browser never holds up the ingest.
/// Items are serialized once, here, with the wire contract's JSON context. Streams are capped per key and in total,
/// so one key cannot hold every connection and every queue.
/// </summary>
internal sealed class EventStream(IOptions<EventsOptions> options)
{
    public const string FleetEventType = "fleet-event";
    public const string DetectorType = "detector";

    private readonly ConcurrentDictionary<Subscription, byte> _subscribers = new();
    private readonly Dictionary<string, int> _perKey = new(StringComparer.Ordinal);
    private readonly Lock _counts = new();

    public int SubscriberCount => _subscribers.Count;

    /// <summary>A new subscription for a stream opened with this key (its name), or null when a cap is reached.</summary>
    public Subscription? TrySubscribe(string key)
    {
        var limits = options.Value;
        lock (_counts)
        {
            var open = _perKey.GetValueOrDefault(key);
            if (open >= limits.MaxStreamsPerKey || _subscribers.Count >= limits.MaxStreams)
            {
                return null;
            }

            var channel = Channel.CreateBounded<StreamItem>(new BoundedChannelOptions(limits.SubscriberCapacity)
            {
                SingleReader = true,
                SingleWriter = false,
                FullMode = BoundedChannelFullMode.DropOldest,
            });
            var subscription = new Subscription(this, channel, key);
            _perKey[key] = open + 1;
            _subscribers.TryAdd(subscription, 0);
            return subscription;
        }
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

    private void Remove(Subscription subscription)
    {
        if (!_subscribers.TryRemove(subscription, out _))
        {
            return;
        }

        lock (_counts)
        {
            var open = _perKey.GetValueOrDefault(subscription.Key) - 1;
            if (open > 0)
            {
                _perKey[subscription.Key] = open;
            }
            else
            {
                _perKey.Remove(subscription.Key);
            }
        }
    }

    /// <summary>One server-sent event: its <c>event:</c> type and its JSON <c>data:</c>.</summary>
    internal sealed record StreamItem(string Type, string Json);

    /// <summary>One client's queue; disposing it (the client went away) unsubscribes.</summary>
    internal sealed class Subscription(EventStream stream, Channel<StreamItem> channel, string key) : IDisposable
    {
        public string Key => key;

        public ChannelReader<StreamItem> Reader => channel.Reader;

        internal ChannelWriter<StreamItem> Writer => channel.Writer;

        public void Dispose()
        {
            stream.Remove(this);
            channel.Writer.TryComplete();
        }
    }
}
