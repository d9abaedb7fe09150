using System.Buffers;
using Fleet.Api.Data;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Api.Mqtt;

/// <summary>
/// Between an MQTT retained message and its row: payload, QoS, and the MQTT 5 properties a reader may rely on (content
/// type, payload format, expiry). User properties, response topic and correlation data are not kept: nothing in the
/// contract sets them on a retained message.
/// </summary>
internal static class RetainedMessageMapping
{
    /// <summary>The <c>broker_retained.content_type</c> column's length (FleetDbContext).</summary>
    public const int MaxContentTypeLength = 256;

    public static void Fill(RetainedMessageRecord row, MqttApplicationMessage message, DateTimeOffset now)
    {
        row.Payload = message.Payload.ToArray();
        row.Qos = (int)message.QualityOfServiceLevel;
        // Longer than its column (no client of the contract sends one): dropped, so the row still saves.
        row.ContentType = message.ContentType is { Length: <= MaxContentTypeLength } type ? type : null;
        row.PayloadFormat = (int)message.PayloadFormatIndicator;
        row.ExpirySeconds = message.MessageExpiryInterval == 0 ? null : message.MessageExpiryInterval;
        row.UpdatedAt = now;
    }

    public static bool IsExpired(RetainedMessageRecord row, DateTimeOffset now) =>
        row.ExpirySeconds is { } seconds && row.UpdatedAt.AddSeconds(seconds) <= now;

    /// <summary>The message as the broker retains it again; its expiry counts from when it was stored, not from now.</summary>
    public static MqttApplicationMessage ToMessage(RetainedMessageRecord row, DateTimeOffset now)
    {
        var message = new MqttApplicationMessage
        {
            Topic = row.Topic,
            Payload = new ReadOnlySequence<byte>(row.Payload),
            QualityOfServiceLevel = (MqttQualityOfServiceLevel)row.Qos,
            Retain = true,
            ContentType = row.ContentType,
            PayloadFormatIndicator = (MqttPayloadFormatIndicator)row.PayloadFormat,
        };
        if (row.ExpirySeconds is { } seconds)
        {
            var left = row.UpdatedAt.AddSeconds(seconds) - now;
            message.MessageExpiryInterval = (uint)Math.Clamp(Math.Ceiling(left.TotalSeconds), 1, uint.MaxValue);
        }

        return message;
    }
}
