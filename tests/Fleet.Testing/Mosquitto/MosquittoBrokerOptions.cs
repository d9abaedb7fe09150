namespace Fleet.Testing.Mosquitto;

/// <summary>The broker settings a test may change; everything else is the shipped configuration.</summary>
public sealed record MosquittoBrokerOptions
{
    /// <summary>Keep retained messages and sessions in mosquitto.db across a stop and start.</summary>
    public bool Persistence { get; init; }

    /// <summary>A client's offline queue; above it Mosquitto drops new messages for that client without notice.</summary>
    public int MaxQueuedMessages { get; init; } = 10000;

    /// <summary>
    /// How often a persistent broker saves (Mosquitto's default is 1800 s): after a kill, everything since the last
    /// save is gone, which is how a test gets a broker back with stale persistence.
    /// </summary>
    public int AutosaveIntervalSeconds { get; init; } = 1800;

    /// <summary>
    /// A second listener with TLS (<see cref="MosquittoBroker.TlsPort"/>), its certificate for <c>localhost</c> signed
    /// by a throwaway CA (<see cref="MosquittoBroker.CaFile"/>).
    /// </summary>
    public bool Tls { get; init; }

    /// <summary>
    /// A third listener speaking MQTT over plain WebSockets (<see cref="MosquittoBroker.WebSocketsPort"/>), as
    /// infra/mosquitto/mosquitto.conf has for the reverse proxy in front of it. Mosquitto 2.0 binds a websockets
    /// listener to an interface, not an address: it is bound to <c>lo</c>.
    /// </summary>
    public bool WebSockets { get; init; }
}
