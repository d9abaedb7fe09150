using System.ComponentModel.DataAnnotations;

namespace Fleet.Agent.Configuration;

public sealed class MqttSettings
{
    /// <summary>
    /// The broker's addresses, tried in this order until one answers (<c>mqtts://broker.example.org:8883</c>,
    /// <c>wss://fleet.example.org/mqtt</c>, <c>mqtt://10.0.0.5:1883</c>); the transport comes from the scheme. Empty:
    /// the single endpoint <see cref="Host"/>, <see cref="Port"/> and <see cref="UseTls"/> describe.
    /// </summary>
    public List<string> Endpoints { get; set; } = [];

    /// <summary>
    /// While connected through a later endpoint, how long before the first one is tried again; doubled (up to an
    /// hour) each time it still cannot be reached.
    /// </summary>
    public TimeSpan PreferredEndpointRetry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An HTTP proxy for ws:// and wss:// endpoints (<see cref="MqttProxy"/>); empty: HTTPS_PROXY and NO_PROXY.</summary>
    public string? Proxy { get; set; }

    /// <summary>
    /// SHA-256 pins of the broker's public key (<see cref="MqttPins"/>). With a pin, TLS endpoints are accepted when the
    /// key matches, whoever signed the certificate; without, <see cref="CaFile"/> or the system's CAs decide.
    /// </summary>
    public string? PinSha256 { get; set; }

    [Required]
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    public bool UseTls { get; set; }

    /// <summary>
    /// For TLS endpoints: a PEM file of the CA(s) that signed the broker's certificate, trusted instead of the
    /// system's CAs (a broker with its own CA). Empty: the system's CAs.
    /// </summary>
    public string? CaFile { get; set; }

    /// <summary>Defaults to the detector id, which is what the broker's ACL expects.</summary>
    public string? Username { get; set; }

    /// <summary>From the environment (Agent__Mqtt__Password) or a secret store; prefer <see cref="PasswordFile"/>.</summary>
    public string? Password { get; set; }

    /// <summary>A root-owned file holding only the password; refused when anyone else may read it.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Defaults to the detector id.</summary>
    public string? ClientId { get; set; }

    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The broker waits this long before publishing the will, so a modem re-attach does not flap.</summary>
    public TimeSpan WillDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The first wait after another client with this identity took the session over (MQTT 5 reason 0x8E: a cloned SD
    /// card on a second Pi). Doubled, with jitter, on every further takeover up to <see cref="TakeoverMaxDelay"/>, so
    /// two clones settle into long turns instead of kicking each other off several times a second.
    /// </summary>
    public TimeSpan TakeoverMinDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait after a takeover; a connection that lasts twice this long ends the series.</summary>
    public TimeSpan TakeoverMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the connection is checked with a ping.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a detector that lost its state directory waits for its own retained state.</summary>
    public TimeSpan EpochRecoveryWait { get; set; } = TimeSpan.FromSeconds(3);
}
