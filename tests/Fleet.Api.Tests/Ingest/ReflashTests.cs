using System.Net;
using System.Net.Http.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Ingest;

/// <summary>
/// Issue 13, item 4: a detector re-flashed with its state directory and retained state gone starts again at epoch 1,
/// seq 0, below the stored 1/900. Through the real ingest (embedded broker, the API's own MQTT client and writer) and
/// <c>GET /detectors/{id}</c>, on each database (the subclasses); the API's clock is a fake the tests move.
/// </summary>
public abstract class ReflashTests : IAsyncLifetime
{
    private const string OldUrl = "https://first-life.ngrok-free.app";
    private const string NewUrl = "https://second-life.ngrok-free.app";
    private static readonly TimeSpan ResetWindow = TimeSpan.FromMinutes(10);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));
    private FleetApiFactory _api = null!;

    protected abstract Task<FleetApiSettings> CreateSettingsAsync();

    public async Task InitializeAsync()
    {
        var settings = await CreateSettingsAsync();
        _api = await FleetApiFactory.StartAsync(settings with
        {
            Clock = _clock,

            // The tests move the clock past the reset window: the sweeper would mark the detectors lost meanwhile.
            Extra = new Dictionary<string, string?> { ["Presence:Enabled"] = "false", ["Ingest:ResetWindow"] = ResetWindow.ToString() },
        });
    }

    public virtual async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Reflash_NewInstanceAtEqualEpoch_ShowsItsUrlAtOnce_AndLateMessagesOfTheOldLifeAreStale()
    {
        var id = Messages.NewId("rf");
        await using var pi = await ConnectAsync(id);
        await PublishAsync(pi, Messages.Status(Presence.Online, 1) with { Instance = "life-A" });
        await PublishAsync(pi, Messages.State(id, 1, 900, OldUrl) with { Instance = "life-A" });
        await PublishAsync(pi, Messages.Status(Presence.Lost, 1) with { Instance = "life-A" });
        _clock.Advance(TimeSpan.FromMinutes(2));

        // The re-flashed card: a new instance, epoch 1 and seq 0 again, well inside the reset window.
        await PublishAsync(pi, Messages.Status(Presence.Online, 1) with { Instance = "life-B" });
        await PublishAsync(pi, Messages.State(id, 1, 0, NewUrl) with { Instance = "life-B" });

        var view = await GetAsync(id);
        Assert.Equal(NewUrl, Assert.Single(view.Tunnels).Url);
        Assert.Equal(Presence.Online, view.Status);
        Assert.Equal((1, 0), (view.Epoch, view.Seq));

        // Late messages of the first life never come back, whatever their epoch and seq.
        var staleBefore = _api.Metrics.StaleTotal;
        await PublishAsync(pi, Messages.State(id, 1, 901, OldUrl) with { Instance = "life-A" });
        await PublishAsync(pi, Messages.State(id, 7, 0, OldUrl) with { Instance = "life-A" });
        await PublishAsync(pi, Messages.Status(Presence.Lost, 1) with { Instance = "life-A" });
        Assert.Equal(staleBefore + 3, _api.Metrics.StaleTotal);
        view = await GetAsync(id);
        Assert.Equal(NewUrl, Assert.Single(view.Tunnels).Url);
        Assert.Equal(Presence.Online, view.Status);

        // The new life goes on by the usual rule.
        await PublishAsync(pi, Messages.State(id, 1, 1, "https://second-life-2.ngrok-free.app") with { Instance = "life-B" });
        Assert.Equal("https://second-life-2.ngrok-free.app", Assert.Single((await GetAsync(id)).Tunnels).Url);
    }

    [Fact]
    public async Task Reflash_OldAgentWithoutInstanceAtEqualEpoch_IsStaleInsideTheResetWindow_AndAcceptedAfterIt()
    {
        var id = Messages.NewId("ro");
        await using var pi = await ConnectAsync(id);
        await PublishAsync(pi, Messages.Status(Presence.Online, 1));
        await PublishAsync(pi, Messages.State(id, 1, 900, OldUrl));
        await PublishAsync(pi, Messages.Status(Presence.Lost, 1));

        // Re-flashed a few minutes later: nothing tells its messages from late ones of the first life yet.
        _clock.Advance(ResetWindow / 2);
        var staleBefore = _api.Metrics.StaleTotal;
        await PublishAsync(pi, Messages.Status(Presence.Online, 1));
        await PublishAsync(pi, Messages.State(id, 1, 0, NewUrl));
        Assert.Equal(staleBefore + 2, _api.Metrics.StaleTotal);
        Assert.Equal(OldUrl, Assert.Single((await GetAsync(id)).Tunnels).Url);

        // Its heartbeats keep coming; once the first life's last state is older than the window, the next one is taken.
        _clock.Advance(ResetWindow / 2 + TimeSpan.FromSeconds(1));
        await PublishAsync(pi, Messages.State(id, 1, 1, NewUrl));

        var view = await GetAsync(id);
        Assert.Equal(NewUrl, Assert.Single(view.Tunnels).Url);
        Assert.Equal(Presence.Online, view.Status);
        Assert.Equal((1, 1), (view.Epoch, view.Seq));
    }

    private async Task<MqttTestClient> ConnectAsync(string id) =>
        await MqttTestClient.ConnectAsync(_api.Settings.Broker.Host, _api.Settings.Broker.Port, id, await _api.ProvisionEmbeddedDetectorAsync(id));

    // Publishes on the detector's own topic and waits until the API has decided about it (applied, stale or refused)
    // and its registry has the result (the ingest queues that re-read without waiting for it), so that what the test
    // reads next is what that decision left.
    private async Task PublishAsync(MqttTestClient pi, object message)
    {
        var metrics = _api.Metrics;
        long Decided() => metrics.AppliedTotal + metrics.StaleTotal + metrics.RejectedTotal + metrics.IgnoredTotal;
        var before = Decided();
        var (topic, json) = message switch
        {
            StateMessage state => (FleetTopics.State(state.DetectorId), Messages.Json(state)),
            StatusMessage status => (FleetTopics.Status(pi.ClientId), Messages.Json(status)),
            _ => throw new ArgumentException("a state or a status", nameof(message)),
        };
        var result = await pi.PublishAsync(topic, json);
        Assert.True(result.IsSuccess, $"PUBACK {result.ReasonCode}");
        await Eventually.TrueAsync(() => Task.FromResult(Decided() > before), $"the API decided about {json}");
        await _api.RegistryHeardAsync(pi.ClientId);
    }

    private async Task<DetectorView> GetAsync(string id)
    {
        using var http = _api.CreateReader();
        var response = await http.GetAsync($"/detectors/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<DetectorView>())!;
    }
}
