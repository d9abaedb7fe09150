using Fleet.Domain.Messages;

namespace Fleet.Api.Ingest;

/// <summary>Where committed events go after the database (MQTT event topics, live streams).</summary>
public interface IEventSink
{
    ValueTask PublishAsync(IReadOnlyList<FleetEvent> events, CancellationToken ct);
}
