namespace Fleet.Api.Data;

/// <summary>
/// One retained MQTT message of the embedded broker (table <c>broker_retained</c>), so that an API restart keeps what
/// agents and monitors rely on (the agent's epoch recovery reads its retained <c>state</c>, monitors the registry
/// view). Written by Mqtt/RetainedStore; a zero-byte retained publish deletes the row.
/// </summary>
public sealed class RetainedMessageRecord
{
    public required string Topic { get; set; }

    public required byte[] Payload { get; set; }

    /// <summary>The MQTT QoS the message was retained with (0, 1 or 2).</summary>
    public int Qos { get; set; }

    /// <summary>MQTT 5 content type (the registry view says <c>application/json</c>), or null.</summary>
    public string? ContentType { get; set; }

    /// <summary>MQTT 5 payload format indicator: 0 unspecified bytes, 1 UTF-8 text.</summary>
    public int PayloadFormat { get; set; }

    /// <summary>MQTT 5 message expiry interval in seconds from <see cref="UpdatedAt"/>, or null when it never expires.</summary>
    public long? ExpirySeconds { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
