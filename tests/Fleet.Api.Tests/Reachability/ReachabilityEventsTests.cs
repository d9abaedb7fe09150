using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Api.Auth;
using Fleet.Api.Reachability;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Reachability;

/// <summary>
/// Reachability changes from an agent's state (through MQTT) and from the API probe (through its sink) reach the
/// events topic and the history, through the same path as every other event (the API with its embedded broker).
/// </summary>
public sealed class ReachabilityEventsTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly string _monitorPassword = SecretHash.NewSecret();
    private FleetApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("reachevents");
        _api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded())
        {
            Extra = new Dictionary<string, string?>
            {
                ["Mqtt:Embedded:Monitors:0:Username"] = "monitor",
                ["Mqtt:Embedded:Monitors:0:Password"] = _monitorPassword,
            },
        });
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task ChecksAndProbes_ChangingTheSummary_AppearOnTheEventsTopicAndInTheHistory()
    {
        var id = Messages.NewId("re");
        var port = _api.Settings.Broker.Port;
        await using var monitor = await MqttTestClient.ConnectAsync("127.0.0.1", port, "monitor", _monitorPassword, $"monitor-{id}");
        await monitor.SubscribeAsync(FleetTopics.Events(id));
        await using var detector = await MqttTestClient.ConnectAsync("127.0.0.1", port, id, await _api.ProvisionEmbeddedDetectorAsync(id));

        await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Checks.State(id, 0, Checks.Web(Checks.Ok()), Checks.Api(Checks.Ok()))));
        await WaitForEventAsync(monitor, id, EventTypes.Reachable);
        await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Checks.State(id, 1, Checks.Web(Checks.Failing(CheckOutcomes.UpstreamDown, "ERR_NGROK_8012", 502)), Checks.Api(Checks.Ok()))));
        var degraded = await WaitForEventAsync(monitor, id, EventTypes.Degraded);
        var sink = _api.Services.GetRequiredService<IProbeResultSink>();
        await sink.WriteAsync([new ProbeResult(id, "api", "https://api1.ngrok-free.app", Checks.Failing(CheckOutcomes.EndpointOffline, "ERR_NGROK_3200", 404))], CancellationToken.None);
        var unreachable = await WaitForEventAsync(monitor, id, EventTypes.Unreachable);

        Assert.Equal("reachable", degraded.Data!["from"]!.GetValue<string>());
        Assert.Equal("""[{"tunnel":"web","outcome":"upstream-down","code":"ERR_NGROK_8012","source":"agent"}]""", degraded.Data["failing"]!.ToJsonString());
        Assert.Equal(
            """[{"tunnel":"api","outcome":"endpoint-offline","code":"ERR_NGROK_3200","source":"probe"},{"tunnel":"web","outcome":"upstream-down","code":"ERR_NGROK_8012","source":"agent"}]""",
            unreachable.Data!["failing"]!.ToJsonString());

        using var reader = _api.CreateReader();
        var history = (await reader.GetFromJsonAsync<List<FleetEvent>>(
            $"/detectors/{id}/history?type=reachable&type=degraded&type=unreachable"))!;
        Assert.Equal([EventTypes.Unreachable, EventTypes.Degraded, EventTypes.Reachable], history.Select(e => e.Type));
        Assert.Equal(unreachable.Data!.ToJsonString(), history[0].Data!.ToJsonString());
    }

    private static async Task<FleetEvent> WaitForEventAsync(MqttTestClient monitor, string id, string type)
    {
        var (_, payload) = await monitor.WaitForMessageAsync(
            (topic, body) => topic == FleetTopics.Events(id) && JsonSerializer.Deserialize(body, FleetJsonContext.Default.FleetEvent)!.Type == type,
            Wait);
        return JsonSerializer.Deserialize(payload, FleetJsonContext.Default.FleetEvent)!;
    }
}
