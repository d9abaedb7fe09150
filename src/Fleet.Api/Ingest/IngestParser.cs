using Fleet.Domain.Topics;
using Fleet.Domain.Validation;
using MQTTnet;

namespace Fleet.Api.Ingest;

/// <summary>Turns one MQTT delivery into an <see cref="IngestItem"/>; runs in the receive callback, so it stays cheap.</summary>
internal static class IngestParser
{
    public static IngestItem Parse(MqttApplicationMessageReceivedEventArgs delivery, UrlPolicy policy)
    {
        var message = delivery.ApplicationMessage;
        var topic = message.Topic;
        if (!FleetTopics.TryParseDetectorTopic(topic, out var detectorId, out var kind))
        {
            return new(topic, null, null, null, new Rejection(RejectionReason.UnknownTopic, "topic is not fleet/v1/detectors/{id}/status|state"), delivery);
        }

        if (message.Payload.IsEmpty)
        {
            return new(topic, detectorId, null, null, null, delivery);
        }

        if (kind == DetectorTopicKind.State)
        {
            var state = PayloadParser.ParseState(message.Payload, detectorId, policy);
            return new(topic, detectorId, state.Value, null, state.Error, delivery);
        }

        var status = PayloadParser.ParseStatus(message.Payload);
        return new(topic, detectorId, null, status.Value, status.Error, delivery);
    }
}
