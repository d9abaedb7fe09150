using System.Globalization;
using System.Net.Http.Json;
using Fleet.Api.Tests.Faults.Support;
using Fleet.Api.Tests.Infrastructure;
using Fleet.Api.Tests.Support;
using Fleet.Domain.Messages;
using Xunit.Abstractions;

namespace Fleet.Api.Tests.Simulator;

/// <summary>
/// fleet-sim as a real process: each simulated detector with its own connection and credential on a real Mosquitto
/// (the shipped ACL), the API in-process on real PostgreSQL. What the broker acknowledged is what the API shows.
/// </summary>
public sealed class SimulatorTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan SimulatorTimeout = TimeSpan.FromSeconds(120);
    private MosquittoBroker _broker = null!;
    private FleetApiFactory _api = null!;
    private string _connectionString = null!;
    private string _directory = null!;

    public async Task InitializeAsync()
    {
        var postgres = await PostgresServer.GetAsync();
        _connectionString = await postgres.CreateDatabaseAsync("simulator");
        _broker = await MosquittoBroker.StartAsync();
        _directory = Directory.CreateTempSubdirectory("fleet-sim-test-").FullName;
        _api = new FleetApiFactory(new FleetApiSettings(_connectionString, BrokerSettings.ForMosquitto(_broker)));
        _ = _api.Server;
        await Eventually.TrueAsync(() => Task.FromResult(_api.MqttConnected), "the API is connected to Mosquitto");
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _broker.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Run_WithRateAndUrlChurn_EveryAcknowledgedStateIsWhatTheApiShows()
    {
        const int count = 150;
        var credentials = await SimulatedFleet.ProvisionAsync(_broker, _connectionString, count, "sa-", _directory, output);
        var acked = Path.Combine(_directory, "acked.json");

        await using var sim = SimulatorProcess.Start(
            [
                "run", "--host", _broker.Host, "--port", Port, "--credentials", credentials, "--count", "150",
                "--rate", "100", "--url-churn", "0.5", "--heartbeat", "2", "--duration", "5", "--acked-out", acked,
            ],
            output);
        var summary = await sim.SummaryAsync(SimulatorTimeout, output);

        Assert.Equal(count, summary.GetProperty("connected").GetInt32());
        Assert.Equal(0, summary.GetProperty("failed").GetInt64());
        Assert.True(summary.GetProperty("acked").GetInt64() > count, "rate-driven messages and heartbeats went out after the first states");
        var states = new AcceptedStates();
        states.Load(acked);
        Assert.Equal(count, states.Count);
        Assert.Contains(states.Snapshot.Values, s => s.Seq > 0);
        output.WriteLine($"[injected] {count} simulated detectors, 100 state/s with half of them changing the web URL, 2 s heartbeats, 5 s; then a clean stop");

        await states.ConvergedAsync(_api.CreateReader(), TimeSpan.FromSeconds(30), output);
        var first = await _api.CreateReader().GetFromJsonAsync<DetectorView>("/detectors/sa-00001");
        output.WriteLine($"[observed] sa-00001: {first!.Status}, epoch {first.Epoch} seq {first.Seq}");
        Assert.Equal(Presence.Offline, first.Status);
    }

    [Fact]
    public async Task Run_CrashMode_TheWillSaysLostAndTheDetectorComesBackWithANewEpoch()
    {
        const int count = 50;
        var credentials = await SimulatedFleet.ProvisionAsync(_broker, _connectionString, count, "sc-", _directory, output);
        var acked = Path.Combine(_directory, "acked.json");

        // Half a crash per detector per second, a will delay of 0: every crash is a `lost` the API must see.
        await using var sim = SimulatorProcess.Start(
            [
                "run", "--host", _broker.Host, "--port", Port, "--credentials", credentials, "--count", "50",
                "--crash-rate", "1800", "--will-delay", "0", "--heartbeat", "5", "--duration", "6", "--acked-out", acked,
            ],
            output);
        var summary = await sim.SummaryAsync(SimulatorTimeout, output);
        var crashes = summary.GetProperty("crashes").GetInt64();
        output.WriteLine($"[injected] {count} detectors crashing (socket closed without DISCONNECT) {crashes} times in 6 s, will delay 0");
        Assert.True(crashes > 0, "the simulator crashed detectors");
        Assert.True(summary.GetProperty("reconnects").GetInt64() > 0, "crashed detectors came back");

        var states = new AcceptedStates();
        states.Load(acked);
        await states.ConvergedAsync(_api.CreateReader(), TimeSpan.FromSeconds(30), output);

        // Some detector's history (newest first) shows a will of epoch E, then an online of a higher epoch.
        var reader = _api.CreateReader();
        var comeback = await Eventually.GetAsync(
            async () =>
            {
                foreach (var id in states.Snapshot.Keys)
                {
                    var history = await reader.GetFromJsonAsync<List<FleetEvent>>($"/detectors/{id}/history?type=lost&type=online&limit=100");
                    var chronological = history!.AsEnumerable().Reverse().ToList();
                    for (var i = 0; i + 1 < chronological.Count; i++)
                    {
                        var (lost, online) = (chronological[i], chronological[i + 1]);
                        if (lost.Type == EventTypes.Lost && online.Type == EventTypes.Online
                            && Epoch(online) > Epoch(lost) && lost.Data?["reason"]?.GetValue<string>() == "connection-lost")
                        {
                            return $"{id}: lost (epoch {Epoch(lost)}) at {lost.At:O}, online (epoch {Epoch(online)}) at {online.At:O}";
                        }
                    }
                }

                return null;
            },
            found => found is not null,
            "a detector's history shows lost (its will) followed by online with a newer epoch");
        output.WriteLine($"[observed] {comeback}");
    }

    private string Port => _broker.Port.ToString(CultureInfo.InvariantCulture);

    private static long Epoch(FleetEvent e) => e.Data?["epoch"]?.GetValue<long>() ?? -1;
}
