using Fleet.Domain.Messages;

namespace Fleet.Api.Ingest;

/// <summary>
/// Where a committed change goes after the database (MQTT registry and event topics, live streams). Called once
/// per committed batch for each detector the batch changed, with the events its messages caused in order (possibly
/// none: a heartbeat still moves the view). Must not block: the caller is the ingest consumer.
/// </summary>
public interface IEventSink
{
    ValueTask PublishAsync(string detectorId, IReadOnlyList<FleetEvent> events, CancellationToken ct);

    /// <summary>
    /// A change without an event that operators made and must see at once (metadata: <c>PATCH /detectors/{id}</c>): the
    /// view goes out now, never coalesced like a heartbeat's. Must not block either.
    /// </summary>
    ValueTask PublishViewAsync(string detectorId, CancellationToken ct);
}
