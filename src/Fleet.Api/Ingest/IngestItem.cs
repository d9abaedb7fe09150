using System.Diagnostics;
using Fleet.Domain.Messages;
using Fleet.Domain.Validation;
using MQTTnet;

namespace Fleet.Api.Ingest;

/// <summary>
/// A received message after parsing, waiting for the database writer; <see cref="Delivery"/> is acknowledged only
/// once the outcome is committed. Exactly one of: <see cref="Rejected"/>, <see cref="RetainedClear"/>,
/// <see cref="State"/>, <see cref="Status"/> (a closed union: one object per message, as before).
/// </summary>
internal abstract record IngestItem(string Topic, MqttApplicationMessageReceivedEventArgs? Delivery)
{
    /// <summary>
    /// When it was received (a <see cref="Stopwatch"/> timestamp): items are made in the MQTT receive callback, so
    /// this is the receive time on the API's monotonic clock. The ingest lag is measured from here to the commit,
    /// not from the payload's <c>sentAt</c> (detectors have no real-time clock).
    /// </summary>
    public long ReceivedAt { get; init; } = Stopwatch.GetTimestamp();

    /// <summary>Refused before the database (unknown topic, invalid payload): counted, logged and acknowledged.</summary>
    public sealed record Rejected(string Topic, Rejection Rejection, MqttApplicationMessageReceivedEventArgs? Delivery) : IngestItem(Topic, Delivery);

    /// <summary>A zero-byte payload clears a retained message on the broker; it never deletes anything stored.</summary>
    public sealed record RetainedClear(string Topic, string DetectorId, MqttApplicationMessageReceivedEventArgs? Delivery) : IngestItem(Topic, Delivery);

    /// <summary>A valid message for the database.</summary>
    public abstract record Write(string Topic, string DetectorId, MqttApplicationMessageReceivedEventArgs? Delivery) : IngestItem(Topic, Delivery)
    {
        public abstract IngestWrite ToWrite();
    }

    public sealed record State(string Topic, string DetectorId, StateMessage Message, MqttApplicationMessageReceivedEventArgs? Delivery) : Write(Topic, DetectorId, Delivery)
    {
        public override IngestWrite ToWrite() => IngestWrite.Of(DetectorId, Message);
    }

    public sealed record Status(string Topic, string DetectorId, StatusMessage Message, MqttApplicationMessageReceivedEventArgs? Delivery) : Write(Topic, DetectorId, Delivery)
    {
        public override IngestWrite ToWrite() => IngestWrite.Of(DetectorId, Message);
    }
}
