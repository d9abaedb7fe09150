using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Api.Auth;
using Fleet.Api.Ingest;
using Fleet.Api.SystemTests.EndToEnd;
using Fleet.Domain.Messages;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// Mosquitto, PostgreSQL and the API (its wall clock steppable through <see cref="Clock"/>) for agents started as
/// real processes, each with its own detector identity, optionally behind a <see cref="TcpFaultProxy"/>.
/// </summary>
public sealed class AgentFaultDeployment : IAsyncLifetime
{
    public MosquittoBroker Mosquitto { get; private set; } = null!;

    public FleetApiFactory Api { get; private set; } = null!;

    public AgentWallClock Clock { get; } = new();

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("faultagent");
        Mosquitto = await MosquittoBroker.StartAsync();
        Api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForMosquitto(Mosquitto))
        {
            Clock = Clock,
            Extra = new Dictionary<string, string?> { ["Presence:SweepInterval"] = "00:00:01" },
        });
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Mosquitto.DisposeAsync();
    }

    public Task<DetectorSetup> ProvisionAsync(string prefix) => DetectorSetup.ProvisionAsync(Mosquitto, prefix, "fleet-fault");

    /// <summary>Short timings so that every fault plays out in seconds; <paramref name="port"/> may be a proxy's.</summary>
    public object MqttSection(DetectorSetup detector, int? port = null, TimeSpan? willDelay = null) => new
    {
        Host = Mosquitto.Host,
        Port = port ?? Mosquitto.Port,
        PasswordFile = detector.PasswordFile,
        KeepAlive = AgentFaultTimings.KeepAlive.ToString(),
        WillDelay = (willDelay ?? AgentFaultTimings.WillDelay).ToString(),
        ConnectTimeout = "00:00:03",
        PingInterval = "00:00:00.500",
        ReconnectMinDelay = "00:00:00.200",
        ReconnectMaxDelay = "00:00:02",
        TakeoverMinDelay = "00:00:00.500",
        TakeoverMaxDelay = AgentFaultTimings.TakeoverMaxDelay.ToString(),
        EpochRecoveryWait = "00:00:02",
    };

    /// <summary>An agent with the static provider (one fixed https URL): starts fastest, no child process.</summary>
    internal AgentProcess StaticAgent(
        DetectorSetup detector, string url, int? port = null, string heartbeat = "00:00:30", IReadOnlyDictionary<string, string>? environment = null, TimeSpan? willDelay = null) =>
        new(detector.WorkDirectory, new
        {
            DetectorId = detector.Id,
            StateDirectory = detector.StateDirectory,
            LogDirectory = detector.LogDirectory,
            Heartbeat = heartbeat,
            Provider = "static",
            Static = new { Tunnels = new[] { new { Name = "web", Url = url, Proto = "https" } } },
            Mqtt = MqttSection(detector, port, willDelay),
        }, WithConsoleFormat(environment));

    /// <summary>An agent supervising the stand-in ngrok, steered through <see cref="AgentNgrok.ControlAsync"/>.</summary>
    internal async Task<AgentNgrok> NgrokAgentAsync(DetectorSetup detector, int? port = null, string restartMin = "00:00:00.200", string restartMax = "00:00:05", object? control = null)
    {
        var authtoken = "FAKE-AUTHTOKEN-" + Guid.NewGuid().ToString("N");
        var config = Path.Combine(detector.WorkDirectory, "ngrok.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 2
            authtoken: {authtoken}
            web_addr: 127.0.0.1:{FreePort.Next()}
            tunnels:
              web:
                proto: http
                addr: 80
            """);
        var controlFile = Path.Combine(detector.WorkDirectory, "ngrok-control.json");
        await File.WriteAllTextAsync(controlFile, JsonSerializer.Serialize(control ?? new { }));
        var agent = new AgentProcess(
            detector.WorkDirectory,
            new
            {
                DetectorId = detector.Id,
                StateDirectory = detector.StateDirectory,
                LogDirectory = detector.LogDirectory,
                Heartbeat = "00:00:30",
                Provider = "ngrok",
                Ngrok = new
                {
                    Binary = RepositoryPaths.FakeNgrok,
                    ConfigFiles = new[] { config },
                    PollInterval = "00:00:01",
                    RestartMinDelay = restartMin,
                    RestartMaxDelay = restartMax,
                },
                Mqtt = MqttSection(detector, port),
            },
            WithConsoleFormat(new Dictionary<string, string> { ["FAKE_NGROK_CONTROL"] = controlFile }));
        return new AgentNgrok(detector, agent, controlFile, authtoken);
    }

    /// <summary>One line per log entry with a UTC timestamp, so a failing test's output shows what happened when.</summary>
    private static Dictionary<string, string> WithConsoleFormat(IReadOnlyDictionary<string, string>? environment)
    {
        var result = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        };
        return result;
    }

    public async Task<DetectorView?> GetAsync(string id)
    {
        using var http = Api.CreateReader();
        var response = await http.GetAsync($"/detectors/{id}");
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<DetectorView>() : null;
    }

    public async Task<DetectorView> WaitForDetectorAsync(string id, Func<DetectorView, bool> condition, string what, TimeSpan? timeout = null) =>
        (await Eventually.GetAsync(() => GetAsync(id), view => view is not null && condition(view), what, timeout ?? TimeSpan.FromSeconds(45)))!;

    /// <summary>
    /// Messages that changed a stored row, counted by this API instance's ingest (the database's write count). Read from
    /// the instance, not /metrics: the meters of every API the test process hosts feed one exporter.
    /// </summary>
    public long AppliedWrites => Api.Services.GetRequiredService<IngestMetrics>().AppliedTotal;

    /// <summary>Identity conflicts this API instance reported (fleet_ingest_identity_conflicts_total).</summary>
    public long IdentityConflicts => Api.Services.GetRequiredService<IngestMetrics>().IdentityConflictsTotal;

    /// <summary>Every event of the detector's history, oldest first.</summary>
    public async Task<IReadOnlyList<FleetEvent>> HistoryAsync(string id)
    {
        using var http = Api.CreateReader();
        var events = await http.GetFromJsonAsync<List<FleetEvent>>($"/detectors/{id}/history?limit=1000") ?? [];
        events.Reverse();
        return events;
    }
}
