using Fleet.Domain.Messages;
using Fleet.Domain.Validation;
using MQTTnet;

namespace Fleet.Api.Ingest;

/// <summary>
/// A received message after parsing, waiting for the database writer; <see cref="Delivery"/> is acknowledged only
/// once the outcome is committed.
/// </summary>
internal sealed record IngestItem(
    string Topic,
    string? DetectorId,
    StateMessage? State,
    StatusMessage? Status,
    Rejection? Rejection,
    MqttApplicationMessageReceivedEventArgs? Delivery)
{
    /// <summary>A zero-byte payload clears a retained message on the broker; it never deletes anything stored.</summary>
    public bool IsRetainedClear => DetectorId is not null && State is null && Status is null && Rejection is null;
}
