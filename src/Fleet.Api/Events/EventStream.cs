using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Events;

/// <summary>
/// Fans changes out to the live <c>GET /events</c> subscribers of this instance: the stored events in id order (from
/// <see cref="EventFeed"/>, each followed by its detector's view) and view refreshes without an event (heartbeats).
/// Each subscriber has its own bounded queue; a client that falls <see cref="EventsOptions.SubscriberCapacity"/>
/// items behind is cut (<see cref="Subscription.Overflowed"/>) and resumes with <c>Last-Event-ID</c>, so a slow
/// browser never holds up the feed nor grows memory, and never silently loses an item. Items are serialized once,
/// here, with the wire contract's JSON context. Streams are capped per key and in total.
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

            // Wait mode only makes TryWrite refuse when full (nobody waits): the subscriber is then cut.
            var channel = Channel.CreateBounded<StreamItem>(new BoundedChannelOptions(limits.SubscriberCapacity)
            {
                SingleReader = true,
                SingleWriter = false,
                FullMode = BoundedChannelFullMode.Wait,
            });
            var subscription = new Subscription(this, channel, key);
            _perKey[key] = open + 1;
            _subscribers.TryAdd(subscription, 0);
            return subscription;
        }
    }

    /// <summary>A stored event (<paramref name="id"/> is its id in the history) and its detector's view, if it still has one.</summary>
    public void Publish(long id, FleetEvent fleetEvent, DetectorView? view)
    {
        if (_subscribers.IsEmpty)
        {
            return;
        }

        var eventItem = EventItem(id, fleetEvent);
        var viewItem = view is null ? null : ViewItem(id, view);
        foreach (var subscriber in _subscribers.Keys)
        {
            if (subscriber.TryWrite(eventItem) && viewItem is not null)
            {
                subscriber.TryWrite(viewItem);
            }
        }
    }

    /// <summary>An event that is not in the history (no id): only tests publish these.</summary>
    public void Publish(FleetEvent fleetEvent) =>
        Broadcast(new StreamItem(null, FleetEventType, JsonSerializer.Serialize(fleetEvent, FleetJsonContext.Default.FleetEvent)));

    /// <summary>
    /// A view refreshed without an event (a heartbeat), as the registry holds it (UTF-8 JSON, decoded only when a stream
    /// is open): no id, it changes nothing a replay would restore.
    /// </summary>
    public void Publish(byte[] viewJson)
    {
        if (!_subscribers.IsEmpty)
        {
            Broadcast(new StreamItem(null, DetectorType, System.Text.Encoding.UTF8.GetString(viewJson)));
        }
    }

    internal static StreamItem EventItem(long id, FleetEvent fleetEvent) =>
        new(id, FleetEventType, JsonSerializer.Serialize(fleetEvent, FleetJsonContext.Default.FleetEvent));

    internal static StreamItem ViewItem(long? id, DetectorView view) =>
        new(id, DetectorType, JsonSerializer.Serialize(view, FleetJsonContext.Default.DetectorView));

    private void Broadcast(StreamItem item)
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.TryWrite(item);
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

    /// <summary>
    /// One server-sent event: its <c>event:</c> type and JSON <c>data:</c>. <see cref="Id"/> is the stored event's id
    /// (on its view too, so a replayed event's live copy is skipped with its view); null for what is not stored.
    /// </summary>
    internal sealed record StreamItem(long? Id, string Type, string Json);

    /// <summary>One client's queue; disposing it (the client went away) unsubscribes.</summary>
    internal sealed class Subscription(EventStream stream, Channel<StreamItem> channel, string key) : IDisposable
    {
        private volatile bool _overflowed;

        public string Key => key;

        public ChannelReader<StreamItem> Reader => channel.Reader;

        /// <summary>The queue was full: nothing more is queued; the stream sends what it holds, then ends with a reason.</summary>
        public bool Overflowed => _overflowed;

        internal bool TryWrite(StreamItem item)
        {
            if (channel.Writer.TryWrite(item))
            {
                return true;
            }

            // Full (or closed): never drop an item silently in the middle of the stream. The flag is set before the
            // completion the reader waits for, so the reader sees it.
            _overflowed = true;
            channel.Writer.TryComplete();
            return false;
        }

        public void Dispose()
        {
            stream.Remove(this);
            channel.Writer.TryComplete();
        }
    }
}
