namespace Fleet.Api.Testing;

/// <summary>How a test instance of the API is wired: its database and its broker.</summary>
public sealed record FleetApiSettings(string ConnectionString, BrokerSettings Broker)
{
    public string Provider { get; init; } = "Postgres";

    public IReadOnlyDictionary<string, string?> Extra { get; init; } = new Dictionary<string, string?>();

    /// <summary>Replaces the API's TimeProvider (e.g. a FakeTimeProvider) when set.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>Changes the API's services after its own registrations (e.g. a recording stand-in) when set.</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? Services { get; init; }

    /// <summary>An extra logger provider (e.g. <see cref="CapturingLoggerProvider"/>) the API logs to when set.</summary>
    public Microsoft.Extensions.Logging.ILoggerProvider? LoggerProvider { get; init; }
}

/// <summary>Embedded: the API's own broker on <see cref="Port"/>. External: a Mosquitto the test started.</summary>
public sealed record BrokerSettings(bool Embedded, string Host, int Port, string? ApiPassword = null)
{
    public string ClientId { get; init; } = "api-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The API's broker identity; Mosquitto ties the client id to it (use_username_as_clientid).</summary>
    public string Username { get; init; } = "api";

    public static BrokerSettings ForEmbedded() => new(true, "127.0.0.1", Fleet.Testing.Network.FreePort.Next());

    public static BrokerSettings ForMosquitto(Fleet.Testing.Mosquitto.MosquittoBroker broker) =>
        new(false, broker.Host, broker.Port, broker.ApiPassword);

    /// <summary>A second API instance on the same Mosquitto needs an identity of its own (`api-2`).</summary>
    public static BrokerSettings ForSecondApiOnMosquitto(Fleet.Testing.Mosquitto.MosquittoBroker broker) =>
        new(false, broker.Host, broker.Port, broker.Api2Password) { Username = "api-2", ClientId = "api-2" };

    /// <summary>A third API instance (`api-3`).</summary>
    public static BrokerSettings ForThirdApiOnMosquitto(Fleet.Testing.Mosquitto.MosquittoBroker broker) =>
        new(false, broker.Host, broker.Port, broker.Api3Password) { Username = "api-3", ClientId = "api-3" };
}
