using System.Diagnostics;
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
    /// <summary>
    /// When it was received (a <see cref="Stopwatch"/> timestamp): items are made in the MQTT receive callback, so
    /// this is the receive time on the API's monotonic clock. The ingest lag is measured from here to the commit,
    /// not from the payload's <c>sentAt</c> (detectors have no real-time clock).
    /// </summary>
    public long ReceivedAt { get; init; } = Stopwatch.GetTimestamp();

    /// <summary>A zero-byte payload clears a retained message on the broker; it never deletes anything stored.</summary>
    public bool IsRetainedClear => DetectorId is not null && State is null && Status is null && Rejection is null;
}
