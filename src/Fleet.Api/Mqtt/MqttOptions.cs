using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Mqtt;

/// <summary>How the API's MQTT client reaches the broker.</summary>
public sealed class MqttOptions
{
    public const string Section = "Mqtt";

    public MqttMode Mode { get; set; } = MqttMode.Embedded;

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    public bool UseTls { get; set; }

    [Required]
    public string Username { get; set; } = "api";

    public string? Password { get; set; }

    /// <summary>Fixed, so the broker keeps this instance's session (and its unacknowledged messages) across restarts.</summary>
    [Required]
    public string ClientId { get; set; } = "api";

    /// <summary>With a value, API instances share the stream through <c>$share/{group}/…</c> (MQTT 5).</summary>
    public string? SharedGroup { get; set; }

    [Range(typeof(TimeSpan), "00:00:00", "49710.00:00:00")]
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The session expiry used instead of <see cref="SessionExpiry"/> with a <see cref="SharedGroup"/>. Mosquitto keeps
    /// dealing a dead member's share of the stream into its session for as long as the session lives, so by default it
    /// ends with the connection; the surviving members then re-read the retained states (see MqttConnection.Peers).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "49710.00:00:00")]
    public TimeSpan SharedSessionExpiry { get; set; } = TimeSpan.Zero;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the connection is checked with a ping.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    public EmbeddedBrokerOptions Embedded { get; set; } = new();
}
