using System.Text.Json;
using Fleet.Api.Auth;
using Fleet.Api.Ingest;
using Fleet.Api.Monitoring;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Monitoring;

/// <summary>What monitoring tools see on a real Mosquitto: registry, events, the API's presence and resync.</summary>
public sealed class MonitoringTopicsTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private MosquittoBroker _mosquitto = null!;
    private string _connectionString = null!;
    private FleetApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await MigratedDatabase.CreateAsync("monitoring");
        _mosquitto = await MosquittoBroker.StartAsync();
        _api = await StartApiAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _mosquitto.DisposeAsync();
    }

    [Fact]
    public async Task Registry_HeartbeatsWithoutEvents_AreCoalesced_ChangesWithEvents_PublishAtOnce()
    {
        var id = Messages.NewId("hb");
        var sink = _api.Services.GetRequiredService<MonitoringPublisher>();
        var before = sink.CoalescedTotal;
        var registered = new FleetEvent { Type = EventTypes.Registered, DetectorId = id, At = DateTimeOffset.UtcNow };
        var changed = new FleetEvent { Type = EventTypes.UrlChanged, DetectorId = id, At = DateTimeOffset.UtcNow };

        await _api.WriteStateAsync(Messages.State(id, 1, 0));
        await sink.PublishAsync(id, [registered], CancellationToken.None);
        await _api.WriteStateAsync(Messages.State(id, 1, 1));
        await sink.PublishAsync(id, [], CancellationToken.None);
        await _api.WriteStateAsync(Messages.State(id, 1, 2, "https://moved.ngrok-free.app"));
        await sink.PublishAsync(id, [changed], CancellationToken.None);

        Assert.Equal(before + 1, sink.CoalescedTotal);
        var view = await Eventually.GetAsync(
            async () => (await SubscribeAsMonitorAsync(FleetTopics.Registry(id), 1)).SingleOrDefault(),
            line => line is not null && line.Contains("moved.ngrok-free.app", StringComparison.Ordinal),
            "the registry view after the URL change");
        Assert.Contains("\"seq\":2", view!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registry_AfterDetectorPublishes_IsRetainedWithItsView()
    {
        var id = Messages.NewId("r");
        await using var detector = await ConnectDetectorAsync(id);

        await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 5, 3)));

        var line = Assert.Single(await SubscribeAsMonitorAsync(FleetTopics.Registry(id), 1));
        Assert.StartsWith(FleetTopics.Registry(id) + " ", line, StringComparison.Ordinal);
        var view = JsonSerializer.Deserialize(line[(FleetTopics.Registry(id).Length + 1)..], FleetJsonContext.Default.DetectorView)!;
        Assert.Equal(id, view.Id);
        Assert.Equal(Presence.Online, view.Status);
        Assert.Equal((5L, 3L), (view.Epoch, view.Seq));
        Assert.Equal("https://ab12cd34.ngrok-free.app", Assert.Single(view.Tunnels).Url);
    }

    [Fact]
    public async Task Registry_Payload_IsTheBodyGetAnswers()
    {
        // The retained view comes from the registry's serialised view (or, reading from the database, is serialised
        // with the same options): byte for byte the body of GET /detectors/{id} for a detector without a relay port.
        var id = Messages.NewId("rj");
        await _api.WriteStateAsync(Messages.State(id, 2, 7));
        using var admin = _api.CreateAdmin();
        var patch = await admin.PatchAsync(
            $"/detectors/{id}",
            new StringContent("""{"name":"Détecteur <north> & \"roof\" +1","tags":["cosmic-rays","site:roof"]}""", System.Text.Encoding.UTF8, "application/merge-patch+json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, patch.StatusCode);

        using var reader = _api.CreateReader();
        var expected = await reader.GetStringAsync($"/detectors/{id}");
        var line = await Eventually.GetAsync(
            async () => (await SubscribeAsMonitorAsync(FleetTopics.Registry(id), 1)).SingleOrDefault(),
            line => line is not null && line.Contains("roof", StringComparison.Ordinal),
            "the registry view after the PATCH");
        Assert.Equal(expected, line![(FleetTopics.Registry(id).Length + 1)..]);
    }

    [Fact]
    public async Task Events_AfterDetectorPublishes_ArriveOnItsEventsTopic()
    {
        var id = Messages.NewId("e");
        await using var detector = await ConnectDetectorAsync(id);
        var subscriber = SubscribeAsMonitorAsync(FleetTopics.Events(id), 1);

        // mosquitto_sub's subscription is not observable: keep changing the URL until it has seen an event.
        for (var seq = 0; !subscriber.IsCompleted && seq < 100; seq++)
        {
            await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, seq, $"https://u{seq}.ngrok-free.app")));
            await Task.WhenAny(subscriber, Task.Delay(200));
        }

        var line = Assert.Single(await subscriber);
        Assert.StartsWith(FleetTopics.Events(id) + " ", line, StringComparison.Ordinal);
        var fleetEvent = JsonSerializer.Deserialize(line[(FleetTopics.Events(id).Length + 1)..], FleetJsonContext.Default.FleetEvent)!;
        Assert.Equal(id, fleetEvent.DetectorId);
        Assert.Contains(fleetEvent.Type, new[] { EventTypes.Registered, EventTypes.TunnelAdded, EventTypes.UrlChanged });
    }

    [Fact]
    public async Task ApiStatus_WhileRunning_IsOnline_AfterCleanStop_IsOffline()
    {
        Assert.Equal($"{FleetTopics.ApiStatus} {{\"state\":\"online\"}}", Assert.Single(await SubscribeAsMonitorAsync(FleetTopics.ApiStatus, 1)));

        await _api.DisposeAsync();

        Assert.Equal($"{FleetTopics.ApiStatus} {{\"state\":\"offline\"}}", Assert.Single(await SubscribeAsMonitorAsync(FleetTopics.ApiStatus, 1)));
        _api = await StartApiAsync();
    }

    [Fact]
    public async Task Resync_ApiConnectingWithoutSession_SendsEmptyObjectToAgents()
    {
        var id = Messages.NewId("s");
        await using var detector = await ConnectDetectorAsync(id);
        await detector.SubscribeAsync(FleetTopics.ControlResync);

        await using var second = await StartApiAsync(second: true);

        var (_, payload) = await detector.WaitForMessageAsync((t, _) => t == FleetTopics.ControlResync, Wait);
        Assert.Equal("{}", payload);
    }

    [Fact]
    public async Task Sink_WhileBrokerIsDown_NeitherBlocksNorThrows_AndCountsTheFailure()
    {
        var publisher = _api.Services.GetRequiredService<MonitoringPublisher>();
        var sink = _api.Services.GetRequiredService<IEventSink>();
        await _mosquitto.StopAsync();
        await Eventually.TrueAsync(() => Task.FromResult(!_api.MqttConnected), "the API noticed the broker is gone");
        var failedBefore = publisher.FailedTotal;

        var publish = sink.PublishAsync("pi-down", [new FleetEvent { Type = EventTypes.Lost, DetectorId = "pi-down", At = DateTimeOffset.UtcNow }], CancellationToken.None);

        Assert.True(publish.IsCompletedSuccessfully);
        await Eventually.TrueAsync(() => Task.FromResult(publisher.FailedTotal > failedBefore), "the failed publish is counted");
    }

    private async Task<FleetApiFactory> StartApiAsync(bool second = false)
    {
        var broker = second ? BrokerSettings.ForSecondApiOnMosquitto(_mosquitto) : BrokerSettings.ForMosquitto(_mosquitto);
        return await FleetApiFactory.StartAsync(new FleetApiSettings(_connectionString, broker));
    }

    private async Task<MqttTestClient> ConnectDetectorAsync(string id)
    {
        var password = SecretHash.NewSecret();
        await _mosquitto.AddUserAsync(id, password);
        return await MqttTestClient.ConnectAsync(_mosquitto.Host, _mosquitto.Port, id, password);
    }

    private Task<IReadOnlyList<string>> SubscribeAsMonitorAsync(string filter, int count) =>
        MosquittoCli.SubscribeAsync(_mosquitto.Host, _mosquitto.Port, "monitor", _mosquitto.MonitorPassword, filter, count, Wait);
}
