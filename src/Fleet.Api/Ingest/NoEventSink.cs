using Fleet.Domain.Messages;

namespace Fleet.Api.Ingest;

internal sealed class NoEventSink : IEventSink
{
    public ValueTask PublishAsync(IReadOnlyList<FleetEvent> events, CancellationToken ct) => ValueTask.CompletedTask;
}
