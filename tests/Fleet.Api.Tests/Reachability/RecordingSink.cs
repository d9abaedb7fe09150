using Fleet.Api.Ingest;
using Fleet.Domain.Messages;

namespace Fleet.Api.Tests.Reachability;

/// <summary>An event sink that keeps what it was handed, for writers tested without MQTT.</summary>
internal sealed class RecordingSink : IEventSink
{
    public List<(string DetectorId, IReadOnlyList<FleetEvent> Events)> Published { get; } = [];

    public ValueTask PublishAsync(string detectorId, IReadOnlyList<FleetEvent> events, CancellationToken ct)
    {
        Published.Add((detectorId, events));
        return ValueTask.CompletedTask;
    }

    public ValueTask PublishViewAsync(string detectorId, CancellationToken ct) => PublishAsync(detectorId, [], ct);
}
