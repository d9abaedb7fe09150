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
            return new IngestItem.Rejected(topic, new Rejection(RejectionReason.UnknownTopic, "topic is not fleet/v1/detectors/{id}/status|state"), delivery);
        }

        if (message.Payload.IsEmpty)
        {
            return new IngestItem.RetainedClear(topic, detectorId, delivery);
        }

        if (kind == DetectorTopicKind.State)
        {
            var state = PayloadParser.ParseState(message.Payload, detectorId, policy);
            return state.Error is { } stateError
                ? new IngestItem.Rejected(topic, stateError, delivery)
                : new IngestItem.State(topic, detectorId, state.Value!, delivery);
        }

        var status = PayloadParser.ParseStatus(message.Payload);
        return status.Error is { } statusError
            ? new IngestItem.Rejected(topic, statusError, delivery)
            : new IngestItem.Status(topic, detectorId, status.Value!, delivery);
    }
}
