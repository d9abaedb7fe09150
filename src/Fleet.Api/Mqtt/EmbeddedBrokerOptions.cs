using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Mqtt;

/// <summary>The in-process broker (section <c>Mqtt:Embedded</c>): where it listens, who may log in, and its limits.</summary>
public sealed class EmbeddedBrokerOptions
{
    /// <summary>Port of the in-process broker; detectors connect here.</summary>
    [Range(1, 65535, ErrorMessage = "Mqtt:Embedded:Port must be between 1 and 65535.")]
    public int Port { get; set; } = 1883;

    /// <summary>Address to listen on; "0.0.0.0" so detectors on the network can reach it (IPv6 too where available).</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// Port of MQTT over TLS (mqtts), with Kestrel's default certificate (<c>Kestrel:Certificates:Default</c>).
    /// Null: 8883 when that certificate is configured, else no TLS listener; 0: no TLS listener.
    /// </summary>
    [Range(0, 65535, ErrorMessage = "Mqtt:Embedded:TlsPort must be between 0 (off) and 65535.")]
    public int? TlsPort { get; set; }

    /// <summary>Path of MQTT over WebSockets (subprotocol <c>mqtt</c>) on the API's own HTTP and HTTPS endpoints; empty: off.</summary>
    [RegularExpression("^(/[A-Za-z0-9._~/-]*)?$", ErrorMessage = "Mqtt:Embedded:WebSocketPath must be empty (off) or a path such as /mqtt.")]
    public string WebSocketPath { get; set; } = "/mqtt";

    /// <summary>Read-only identities for monitoring tools (Home Assistant, Node-RED, mosquitto_sub).</summary>
    public List<BrokerAccount> Monitors { get; set; } = [];

    /// <summary>Open TCP connections in all (logged in or not); beyond it a new connection is closed at once.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Mqtt:Embedded:MaxConnections must be between 1 and 1000000.")]
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>
    /// Connections from one remote address that have not logged in yet. Logged-in connections do not count, so many
    /// detectors behind one NAT address are not limited; a host holding idle connections is.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Mqtt:Embedded:MaxConnectionsPerAddress must be between 1 and 1000000.")]
    public int MaxConnectionsPerAddress { get; set; } = 64;

    /// <summary>How long a new connection may take to be logged in (its CONNECT received and accepted) before it is closed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = "Mqtt:Embedded:ConnectTimeout must be between 00:00:00.100 and 00:10:00.")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Largest packet (its remaining length) a logged-in client may send; a larger one closes the connection before it
    /// is read. Above the contract's 64 KiB message limit (PayloadParser.MaxPayloadBytes) with room for topic and properties.
    /// </summary>
    [Range(1024, 16 * 1024 * 1024, ErrorMessage = "Mqtt:Embedded:MaxPacketSize must be between 1024 and 16777216.")]
    public int MaxPacketSize { get; set; } = 128 * 1024;

    /// <summary>Largest packet before the login is accepted: a CONNECT (credentials, a will) is small.</summary>
    [Range(256, 1024 * 1024, ErrorMessage = "Mqtt:Embedded:MaxUnauthenticatedPacketSize must be between 256 and 1048576.")]
    public int MaxUnauthenticatedPacketSize { get; set; } = 16 * 1024;

    /// <summary>TCP connections the kernel queues for the broker before it accepts them.</summary>
    [Range(1, 65535, ErrorMessage = "Mqtt:Embedded:ConnectionBacklog must be between 1 and 65535.")]
    public int ConnectionBacklog { get; set; } = 512;

    /// <summary>Sessions (connected, or kept for a later resume) one identity (a monitor account, the API) may hold.</summary>
    [Range(1, 100_000, ErrorMessage = "Mqtt:Embedded:MaxSessionsPerIdentity must be between 1 and 100000.")]
    public int MaxSessionsPerIdentity { get; set; } = 16;

    /// <summary>Failed logins per minute from one remote address; beyond it every login from there is refused until the minute ends.</summary>
    [Range(1, 1_000_000_000, ErrorMessage = "Mqtt:Embedded:FailedLoginsPerMinute must be between 1 and 1000000000.")]
    public int FailedLoginsPerMinute { get; set; } = 10;

    /// <summary>Refused logins and connections are logged at most once per this interval, with how many there were.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Mqtt:Embedded:FailedLoginLogInterval must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan FailedLoginLogInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Retained messages the broker keeps (in memory and in the database, table broker_retained). A retained publish
    /// to a new topic beyond it is delivered but not retained, with a warning; replacing or clearing one always works.
    /// </summary>
    [Range(1, 10_000_000, ErrorMessage = "Mqtt:Embedded:MaxRetainedMessages must be between 1 and 10000000.")]
    public int MaxRetainedMessages { get; set; } = 100_000;

    /// <summary>Payload bytes of all retained messages together; beyond it as <see cref="MaxRetainedMessages"/>.</summary>
    [Range(1024L, 64L * 1024 * 1024 * 1024, ErrorMessage = "Mqtt:Embedded:MaxRetainedBytes must be between 1024 and 68719476736.")]
    public long MaxRetainedBytes { get; set; } = 256L * 1024 * 1024;
}
