using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Ingest;

/// <summary>The bounded hand-over between the MQTT receive callback and the database writer.</summary>
internal sealed class IngestQueue(IOptions<IngestOptions> options)
{
    private readonly Channel<IngestItem> _channel = Channel.CreateBounded<IngestItem>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public int Capacity => options.Value.QueueCapacity;

    private int _lastTaken;

    /// <summary>
    /// The part of a backlog the API can see: what waits in the queue, or what the writer took at once last time
    /// (the writer empties the queue into each batch, so mid-write the queue alone can look empty).
    /// </summary>
    public int Backlog => Math.Max(_channel.Reader.Count, Volatile.Read(ref _lastTaken));

    /// <summary>Called by the writer with the size of each batch it takes.</summary>
    public void Took(int count) => Volatile.Write(ref _lastTaken, count);

    public ChannelReader<IngestItem> Reader => _channel.Reader;

    public ValueTask EnqueueAsync(IngestItem item, CancellationToken ct) => _channel.Writer.WriteAsync(item, ct);
}
