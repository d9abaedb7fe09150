using Fleet.Api.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Api.Monitoring;

/// <summary>How Fleet publishes for monitoring tools (registry, events, Home Assistant discovery): JSON, QoS 1; a refusal throws.</summary>
internal sealed class MonitoringMqtt(MqttConnection mqtt)
{
    public bool IsReady => mqtt.IsReady;

    public async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken ct)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithContentType("application/json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        var result = await mqtt.PublishAsync(message, ct);
        if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
        {
            throw new InvalidOperationException($"the broker refused the publish to {topic}: {result.ReasonCode}");
        }
    }
}
