using System.Net;
using System.Net.Http.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using MQTTnet;

namespace Fleet.Api.Tests.Ingest;

/// <summary>
/// The path from an MQTT message to <c>GET /detectors</c>, run once against Mosquitto and once against the
/// embedded broker (the subclasses), with the API on a real PostgreSQL database.
/// </summary>
public abstract class IngestTests : IAsyncLifetime
{
    protected FleetApiFactory Api { get; private set; } = null!;

    protected abstract Task<BrokerSettings> StartBrokerAsync();

    protected abstract Task<string> ProvisionAsync(string detectorId);

    protected abstract (string User, string Password) Monitor { get; }

    protected BrokerSettings Broker { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("ingest");
        Broker = await StartBrokerAsync();
        Api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, Broker) { Extra = ExtraSettings() });
    }

    public virtual async Task DisposeAsync() => await Api.DisposeAsync();

    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings() => new Dictionary<string, string?>();

    protected async Task<MqttTestClient> ConnectDetectorAsync(string id)
    {
        var password = await ProvisionAsync(id);
        return await MqttTestClient.ConnectAsync(Broker.Host, Broker.Port, id, password);
    }

    protected async Task<DetectorView> WaitForDetectorAsync(string id, Func<DetectorView, bool> condition, string what)
    {
        using var http = Api.CreateReader();
        return (await Eventually.GetAsync(
            async () =>
            {
                var response = await http.GetAsync($"/detectors/{id}");
                return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<DetectorView>() : null;
            },
            view => view is not null && condition(view),
            what))!;
    }

    [Fact]
    public async Task State_FromDetector_AppearsInGetDetectorsWithItsUrl()
    {
        var id = Messages.NewId("a");
        await using var detector = await ConnectDetectorAsync(id);

        var result = await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 12, 0)));

        Assert.True(result.IsSuccess, $"PUBACK {result.ReasonCode}");
        var view = await WaitForDetectorAsync(id, _ => true, "the detector appears");
        Assert.Equal(Presence.Online, view.Status);
        Assert.Equal("https://ab12cd34.ngrok-free.app", Assert.Single(view.Tunnels).Url);
        Assert.Equal((12, 0), (view.Epoch, view.Seq));
        using var http = Api.CreateReader();
        var list = await http.GetFromJsonAsync<List<DetectorView>>($"/detectors?q={id}");
        Assert.Equal(id, Assert.Single(list!).Id);
    }

    [Fact]
    public async Task State_NewerSeqReplaces_OlderSeqDuplicateAndStaleWillDoNot()
    {
        var id = Messages.NewId("o");
        await using var detector = await ConnectDetectorAsync(id);
        var state = FleetTopics.State(id);
        var status = FleetTopics.Status(id);

        await detector.PublishAsync(status, Messages.Json(Messages.Status(Presence.Online, 12)));
        await detector.PublishAsync(state, Messages.Json(Messages.State(id, 12, 1, "https://one.ngrok-free.app")));
        await detector.PublishAsync(state, Messages.Json(Messages.State(id, 12, 2, "https://two.ngrok-free.app")));
        await WaitForDetectorAsync(id, v => v.Seq == 2 && v.Status == Presence.Online, "seq 2 applied");

        var staleBefore = Api.Metrics.StaleTotal;
        await detector.PublishAsync(state, Messages.Json(Messages.State(id, 12, 1, "https://older.ngrok-free.app")));
        await detector.PublishAsync(state, Messages.Json(Messages.State(id, 12, 2, "https://duplicate.ngrok-free.app")));
        await detector.PublishAsync(state, Messages.Json(Messages.State(id, 11, 900, "https://old-epoch.ngrok-free.app")));
        await detector.PublishAsync(status, Messages.Json(Messages.Status(Presence.Lost, 11)));
        await Eventually.TrueAsync(() => Task.FromResult(Api.Metrics.StaleTotal >= staleBefore + 4), "four stale messages counted");

        var view = await WaitForDetectorAsync(id, _ => true, "the detector");
        Assert.Equal(Presence.Online, view.Status);
        Assert.Equal((12, 2), (view.Epoch, view.Seq));
        Assert.Equal("https://two.ngrok-free.app", Assert.Single(view.Tunnels).Url);
    }

    [Fact]
    public async Task Will_OfCurrentEpoch_MarksLost_AndNewerConnectionComesBackOnline()
    {
        var id = Messages.NewId("w");
        await using var detector = await ConnectDetectorAsync(id);
        await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 3, 0)));
        await WaitForDetectorAsync(id, v => v.Status == Presence.Online, "online");

        await detector.PublishAsync(FleetTopics.Status(id), Messages.Json(Messages.Status(Presence.Lost, 3)));
        await WaitForDetectorAsync(id, v => v.Status == Presence.Lost, "lost by the will of epoch 3");

        await detector.PublishAsync(FleetTopics.Status(id), Messages.Json(Messages.Status(Presence.Online, 4)));
        var view = await WaitForDetectorAsync(id, v => v.Status == Presence.Online, "online again in epoch 4");
        Assert.Equal(3, view.Epoch);
    }

    [Fact]
    public async Task Publish_ToAnotherDetectorsTopic_IsRefusedByTheBroker()
    {
        var id = Messages.NewId("s");
        var victim = Messages.NewId("v");
        await using var detector = await ConnectDetectorAsync(id);

        var result = await detector.PublishAsync(FleetTopics.State(victim), Messages.Json(Messages.State(victim, 1, 0)));
        var registry = await detector.PublishAsync(FleetTopics.Registry(victim), "{}");

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, registry.ReasonCode);

        // Its own topic still works, and the victim never appears.
        await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, 0)));
        await WaitForDetectorAsync(id, _ => true, "own state applied");
        Assert.Null(await Api.FindDetectorAsync(victim));
    }

    [Fact]
    public async Task Detector_SubscribingToEverything_ReadsNothingButItsOwnState()
    {
        var id = Messages.NewId("spy");
        var victim = Messages.NewId("vic");
        await using (var other = await ConnectDetectorAsync(victim))
        {
            await other.PublishAsync(FleetTopics.State(victim), Messages.Json(Messages.State(victim, 1, 0, "https://victim.ngrok-free.app")));
        }

        await WaitForDetectorAsync(victim, _ => true, "the victim's retained state exists");
        await using var spy = await ConnectDetectorAsync(id);
        await spy.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, 0)));

        // Mosquitto grants any SUBSCRIBE and filters each delivery by the ACL; the embedded broker refuses the filters.
        foreach (var filter in new[] { "#", "fleet/v1/#", FleetTopics.State(victim), FleetTopics.Registry(victim) })
        {
            try
            {
                await spy.SubscribeAsync(filter);
            }
            catch (InvalidOperationException)
            {
                // Refused outright: nothing can arrive through it.
            }
        }

        // The spy may read its own retained state: once that arrived, every retained message its filters could
        // match has been delivered (a broker sends the retained set on subscribe).
        await spy.SubscribeAsync(FleetTopics.State(id));
        await spy.WaitForMessageAsync((topic, _) => topic == FleetTopics.State(id), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(spy.Received, m => m.Topic.Contains(victim, StringComparison.Ordinal) || m.Payload.Contains(victim, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Payload_WhoseIdDiffersFromTopic_IsRejectedAndNotStored()
    {
        var id = Messages.NewId("m");
        var other = Messages.NewId("x");
        await using var detector = await ConnectDetectorAsync(id);
        var rejectedBefore = Api.Metrics.RejectedTotal;

        var result = await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(other, 1, 0)));

        Assert.True(result.IsSuccess, "the broker accepts it: the topic is the detector's own");
        await Eventually.TrueAsync(() => Task.FromResult(Api.Metrics.RejectedTotal > rejectedBefore), "the rejection is counted");
        Assert.Null(await Api.FindDetectorAsync(id));
        Assert.Null(await Api.FindDetectorAsync(other));
    }

    [Fact]
    public async Task State_WithAProtoOutsideTheContract_IsRejectedAndTheStoredOneStays()
    {
        var id = Messages.NewId("p");
        await using var detector = await ConnectDetectorAsync(id);
        await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, 0)));
        await WaitForDetectorAsync(id, _ => true, "the valid state is stored");
        var rejectedBefore = Api.Metrics.RejectedTotal;
        var hostile = Messages.State(id, 1, 1);
        hostile = hostile with { Tunnels = [hostile.Tunnels[0] with { Proto = "<script>" }] };

        var result = await detector.PublishAsync(FleetTopics.State(id), Messages.Json(hostile));

        Assert.True(result.IsSuccess, "the broker accepts it: the topic is the detector's own");
        await Eventually.TrueAsync(() => Task.FromResult(Api.Metrics.RejectedTotal > rejectedBefore), "the rejection is counted");
        var view = await WaitForDetectorAsync(id, _ => true, "the detector is still served");
        Assert.Equal(0, view.Seq);
        Assert.Equal("https", Assert.Single(view.Tunnels).Proto);
    }

    [Fact]
    public async Task ZeroByteRetained_OnStateTopic_DeletesNothing()
    {
        var id = Messages.NewId("z");
        await using var detector = await ConnectDetectorAsync(id);
        await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 5, 0)));
        await WaitForDetectorAsync(id, _ => true, "the detector appears");
        var ignoredBefore = Api.Metrics.IgnoredTotal;

        await detector.PublishAsync(FleetTopics.State(id), string.Empty);
        await Eventually.TrueAsync(() => Task.FromResult(Api.Metrics.IgnoredTotal > ignoredBefore), "the empty message is handled");

        var stored = await Api.FindDetectorAsync(id);
        Assert.NotNull(stored);
        Assert.Equal(5, stored.Epoch);
        Assert.Single(stored.Tunnels);
    }

    [Fact]
    public async Task MosquittoPubCommandLine_Message_ShowsUpInGetDetectors_AndMosquittoSubSeesRetainedState()
    {
        var id = Messages.NewId("c");
        var password = await ProvisionAsync(id);

        var (exitCode, error) = await MosquittoCli.PublishAsync(
            Broker.Host, Broker.Port, id, password, FleetTopics.State(id), Messages.Json(Messages.State(id, 7, 0)), retain: true);

        Assert.True(exitCode == 0 && !error.Contains("failed", StringComparison.OrdinalIgnoreCase), $"mosquitto_pub: {exitCode} {error}");
        await WaitForDetectorAsync(id, v => v.Epoch == 7, "the mosquitto_pub message is applied");

        var (user, monitorPassword) = Monitor;
        var lines = await MosquittoCli.SubscribeAsync(
            Broker.Host, Broker.Port, user, monitorPassword, $"fleet/v1/detectors/{id}/#", 1, TimeSpan.FromSeconds(10));
        var line = Assert.Single(lines);
        Assert.StartsWith(FleetTopics.State(id) + " ", line, StringComparison.Ordinal);
        Assert.Contains($"\"detectorId\":\"{id}\"", line, StringComparison.Ordinal);
    }
}
