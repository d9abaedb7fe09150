using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;

namespace Fleet.Api.Tests.Detectors;

/// <summary>
/// <c>DELETE /detectors/{id}</c> on a real PostgreSQL database, run once against Mosquitto (with infra/mosquitto/acl)
/// and once against the embedded broker (the subclasses). Retained topics are checked by a separate subscriber
/// logged in as <c>monitor</c>.
/// </summary>
public abstract class DecommissionTests : IAsyncLifetime
{
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    protected FleetApiFactory Api { get; private set; } = null!;

    protected BrokerSettings Broker { get; private set; } = null!;

    protected abstract (string User, string Password) Monitor { get; }

    protected abstract Task<BrokerSettings> StartBrokerAsync();

    protected abstract Task<string> ProvisionAsync(string detectorId);

    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings() => new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("decommission");
        Broker = await StartBrokerAsync();
        Api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, Broker) { Extra = ExtraSettings() });
    }

    public virtual async Task DisposeAsync() => await Api.DisposeAsync();

    [Fact]
    public async Task Delete_AfterDetectorPublished_RemovesItKeepsHistoryAndClearsRetainedTopics()
    {
        var id = Messages.NewId("dc");
        await using (var detector = await ConnectDetectorAsync(id))
        {
            await PublishOnlineAsync(detector, id);
        }

        await Eventually.TrueAsync(
            async () => (await RetainedAsync(id)).Count == 3, "retained status, state and registry exist");
        await using var monitor = await ConnectMonitorAsync();
        await monitor.SubscribeAsync(FleetTopics.Events(id));
        var metrics = Api.Metrics;
        var (ignoredBefore, rejectedBefore) = (metrics.IgnoredTotal, metrics.RejectedTotal);
        using var admin = Api.CreateAdmin();

        var response = await admin.DeleteAsync($"/detectors/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var reader = Api.CreateReader();
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync($"/detectors/{id}")).StatusCode);
        Assert.Empty((await reader.GetFromJsonAsync<List<DetectorView>>($"/detectors?q={id}"))!);
        var history = await reader.GetFromJsonAsync<List<FleetEvent>>($"/detectors/{id}/history");
        Assert.Equal(EventTypes.Decommissioned, history![0].Type);
        Assert.Contains(history, e => e.Type == EventTypes.Registered);
        Assert.Equal("test-admin", history[0].Data?["by"]?.GetValue<string>());
        var (_, published) = await monitor.WaitForMessageAsync((_, payload) => payload.Contains(EventTypes.Decommissioned, StringComparison.Ordinal), Wait);
        Assert.Equal(EventTypes.Decommissioned, JsonSerializer.Deserialize(published, FleetJsonContext.Default.FleetEvent)!.Type);
        await Eventually.TrueAsync(async () => (await RetainedAsync(id)).Count == 0, "no retained topic of the detector is left");

        // The API's own subscription receives its clears: ignored (zero bytes delete nothing), never rejected.
        await Eventually.TrueAsync(() => Task.FromResult(metrics.IgnoredTotal >= ignoredBefore + 2), "the API ignored its own two clears");
        Assert.Equal(rejectedBefore, metrics.RejectedTotal);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync($"/detectors/{id}")).StatusCode);
    }

    [Fact]
    public async Task Delete_Twice_SecondIs404()
    {
        var id = Messages.NewId("tw");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        using var admin = Api.CreateAdmin();

        var first = await admin.DeleteAsync($"/detectors/{id}");
        var second = await admin.DeleteAsync($"/detectors/{id}");

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        var history = await Api.WithDbAsync(db => Task.FromResult(db.Events.Count(e => e.DetectorId == id && e.Type == EventTypes.Decommissioned)));
        Assert.Equal(1, history);
    }

    [Fact]
    public async Task Delete_UnknownIs404_InvalidIdIs400_ReaderIs403_NoKeyIs401()
    {
        var id = Messages.NewId("au");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        using var admin = Api.CreateAdmin();
        using var reader = Api.CreateReader();
        using var anonymous = Api.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/detectors/never-seen")).StatusCode);
        var invalid = await admin.DeleteAsync("/detectors/Not_An_Id");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.DeleteAsync($"/detectors/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync($"/detectors/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/detectors/{id}")).StatusCode);
    }

    protected async Task<MqttTestClient> ConnectDetectorAsync(string id)
    {
        var password = await ProvisionAsync(id);
        return await MqttTestClient.ConnectAsync(Broker.Host, Broker.Port, id, password);
    }

    protected async Task PublishOnlineAsync(MqttTestClient detector, string id)
    {
        var status = await detector.PublishAsync(FleetTopics.Status(id), Messages.Json(Messages.Status(Presence.Online, 3)));
        var state = await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 3, 0)));
        Assert.True(status.IsSuccess && state.IsSuccess, $"PUBACK {status.ReasonCode} {state.ReasonCode}");
        using var reader = Api.CreateReader();
        await Eventually.TrueAsync(async () => (await reader.GetAsync($"/detectors/{id}")).StatusCode == HttpStatusCode.OK, "the detector appears");
    }

    protected Task<MqttTestClient> ConnectMonitorAsync() =>
        MqttTestClient.ConnectAsync(Broker.Host, Broker.Port, Monitor.User, Monitor.Password);

    /// <summary>
    /// The retained messages a fresh subscriber gets for the detector's topics and its registry. The API's retained
    /// presence is subscribed last, as a marker: once it arrived, the retained messages of the earlier
    /// subscriptions (sent in order on the same connection) have arrived too, so "none" is a real answer.
    /// </summary>
    protected async Task<IReadOnlyList<(string Topic, string Payload)>> RetainedAsync(string id)
    {
        await using var subscriber = await ConnectMonitorAsync();
        await subscriber.SubscribeAsync($"{FleetTopics.DetectorsPrefix}{id}/#");
        await subscriber.SubscribeAsync(FleetTopics.Registry(id));
        await subscriber.SubscribeAsync(FleetTopics.ApiStatus);
        await subscriber.WaitForMessageAsync((topic, _) => topic == FleetTopics.ApiStatus, Wait);
        return [.. subscriber.Received.Where(m => m.Topic != FleetTopics.ApiStatus)];
    }
}
