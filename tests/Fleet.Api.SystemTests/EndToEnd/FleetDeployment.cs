using System.Net;
using System.Net.Http.Json;
using Fleet.Api.Auth;
using Fleet.Domain.Messages;

namespace Fleet.Api.SystemTests.EndToEnd;

/// <summary>Mosquitto (with a TLS listener too), PostgreSQL and the API, for agents started as real processes.</summary>
public sealed class FleetDeployment : IAsyncLifetime
{
    public MosquittoBroker Mosquitto { get; private set; } = null!;

    public FleetApiFactory Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("e2e");
        Mosquitto = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Tls = true });
        Api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForMosquitto(Mosquitto)));
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Mosquitto.DisposeAsync();
    }

    /// <summary>A detector's credential on the broker and a work folder laid out like a Pi's.</summary>
    public Task<DetectorSetup> ProvisionAsync(string prefix) => DetectorSetup.ProvisionAsync(Mosquitto, prefix, "fleet-agent");

    /// <summary>
    /// The agent's Mqtt section: the plain listener, or with <paramref name="tlsHost"/> the TLS listener under that
    /// name, trusting <paramref name="caFile"/> (null: the system's CAs).
    /// </summary>
    public object MqttSection(DetectorSetup detector, string? tlsHost = null, string? caFile = null) =>
        MqttSection(Mosquitto, detector.PasswordFile, tlsHost, caFile);

    /// <summary>The test agents' Mqtt section for <paramref name="broker"/>: short keep-alive, will delay and reconnect waits.</summary>
    public static object MqttSection(MosquittoBroker broker, string passwordFile, string? tlsHost = null, string? caFile = null) => new
    {
        Host = tlsHost ?? broker.Host,
        Port = tlsHost is null ? broker.Port : broker.TlsPort,
        UseTls = tlsHost is not null,
        CaFile = caFile,
        PasswordFile = passwordFile,
        KeepAlive = "00:00:05",
        WillDelay = "00:00:01",
        PingInterval = "00:00:00.500",
        ReconnectMinDelay = "00:00:00.200",
        ReconnectMaxDelay = "00:00:02",
        EpochRecoveryWait = "00:00:02",
    };

    /// <summary>The agent with the static provider and one https tunnel, on <paramref name="mqtt"/> (default: the plain listener).</summary>
    internal AgentProcess StaticAgent(DetectorSetup detector, string url, object? mqtt = null) =>
        new(detector.WorkDirectory, new
        {
            DetectorId = detector.Id,
            StateDirectory = detector.StateDirectory,
            LogDirectory = detector.LogDirectory,
            Heartbeat = "00:00:30",
            Provider = "static",
            Static = new { Tunnels = new[] { new { Name = "web", Url = url, Proto = "https" } } },
            Mqtt = mqtt ?? MqttSection(detector),
        });

    public async Task<DetectorView> WaitForDetectorAsync(string id, Func<DetectorView, bool> condition, string what, TimeSpan? timeout = null)
    {
        using var http = Api.CreateReader();
        return (await Eventually.GetAsync(
            async () =>
            {
                var response = await http.GetAsync($"/detectors/{id}");
                return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<DetectorView>() : null;
            },
            view => view is not null && condition(view),
            what,
            timeout ?? TimeSpan.FromSeconds(45)))!;
    }
}
