using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Ingest;

/// <summary>The bounded hand-over between the MQTT receive callback and the database writer.</summary>
internal sealed class IngestQueue(IOptions<IngestOptions> options)
{
    private readonly Channel<IngestItem> _channel = Channel.CreateBounded<IngestItem>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public int Capacity => options.Value.QueueCapacity;

    public ChannelReader<IngestItem> Reader => _channel.Reader;

    public ValueTask EnqueueAsync(IngestItem item, CancellationToken ct) => _channel.Writer.WriteAsync(item, ct);
}
