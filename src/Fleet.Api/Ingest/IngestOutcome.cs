using Fleet.Domain.Messages;

namespace Fleet.Api.Ingest;

/// <summary>What applying one message did: applied (with the events it caused) or stale (nothing changed).</summary>
public sealed record IngestOutcome(bool Applied, IReadOnlyList<FleetEvent> Events)
{
    public static IngestOutcome Stale { get; } = new(false, []);
}
