using System.Net;
using System.Net.Http.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;

namespace Fleet.Api.Tests.Detectors;

/// <summary>
/// Issue 16, items 3 and 4 through the real ingest (embedded broker, the API's MQTT client and writer), on each
/// database (the subclasses): the state's provider.reason/since/ngrokAccount stored and shown, GET /detectors filtered
/// by the active provider and by ngrok account, a provider-switched event per change of the active provider, and an
/// older agent's state without those fields still applied.
/// </summary>
public abstract class ProviderFailoverTests : IAsyncLifetime
{
    private const string AccountA = "sha256:0123456789abcdef";
    private const string AccountB = "sha256:fedcba9876543210";
    private const string QuickTunnel = "https://calm-river-1234.trycloudflare.com";
    private static readonly DateTimeOffset SwitchedAt = new(2026, 12, 5, 20, 0, 0, TimeSpan.Zero);

    private FleetApiFactory _api = null!;

    protected abstract Task<FleetApiSettings> CreateSettingsAsync();

    public async Task InitializeAsync() => _api = await FleetApiFactory.StartAsync(await CreateSettingsAsync());

    public virtual async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task State_ProviderFailsOverAndBack_ShownFilteredAndRecordedAsSwitches()
    {
        var prefix = Messages.NewId("pf");
        var (a, b, c) = (prefix + "-a", prefix + "-b", prefix + "-c");
        await using var pa = await ConnectAsync(a);
        await using var pb = await ConnectAsync(b);
        await using var pc = await ConnectAsync(c);
        await PublishAsync(pa, Ngrok(Messages.State(a, 1, 0), AccountA));
        await PublishAsync(pb, Ngrok(Messages.State(b, 1, 0), AccountA));
        await PublishAsync(pc, Ngrok(Messages.State(c, 1, 0), AccountB));

        await PublishAsync(pa, Messages.State(a, 1, 1, QuickTunnel) with
        {
            Provider = new ProviderReport { Kind = "cloudflared", State = "running", Reason = "failover: ERR_NGROK_108", Since = SwitchedAt, NgrokAccount = AccountA },
        });

        var view = await GetAsync(a);
        Assert.Equal("cloudflared", view.Provider?.Kind);
        Assert.Equal("failover: ERR_NGROK_108", view.Provider?.Reason);
        Assert.Equal(SwitchedAt, view.Provider?.Since);
        Assert.Equal(AccountA, view.Provider?.NgrokAccount);
        Assert.Equal([a], await ListIdsAsync($"/detectors?provider=cloudflared&q={prefix}"));
        Assert.Equal([b, c], await ListIdsAsync($"/detectors?provider=ngrok&q={prefix}"));
        Assert.Equal([a, b, c], await ListIdsAsync($"/detectors?provider=ngrok&provider=cloudflared&q={prefix}"));
        Assert.Equal([a, b], await ListIdsAsync($"/detectors?ngrokAccount={AccountA}&q={prefix}"));

        await PublishAsync(pa, Ngrok(Messages.State(a, 1, 2), AccountA));

        // History is newest first.
        var switches = (await HistoryAsync(a)).Where(e => e.Type == EventTypes.ProviderSwitched).ToList();
        Assert.Equal(2, switches.Count);
        Assert.Equal(("cloudflared", "ngrok", "preferred"), Switch(switches[0]));
        Assert.Equal(("ngrok", "cloudflared", "failover: ERR_NGROK_108"), Switch(switches[1]));
        Assert.DoesNotContain(await HistoryAsync(b), e => e.Type == EventTypes.ProviderSwitched);
    }

    [Fact]
    public async Task State_OlderAgentWithoutTheNewFields_IsAppliedWithThemNull()
    {
        var id = Messages.NewId("po");
        await using var pi = await ConnectAsync(id);

        await PublishAsync(pi, Messages.State(id, 1, 0));

        var view = await GetAsync(id);
        Assert.Equal("ngrok", view.Provider?.Kind);
        Assert.Null(view.Provider?.Reason);
        Assert.Null(view.Provider?.Since);
        Assert.Null(view.Provider?.NgrokAccount);
        Assert.Empty(await ListIdsAsync($"/detectors?ngrokAccount={AccountA}&q={id}"));
    }

    [Fact]
    public async Task State_RestartKeepsTheDevDomain_NoUrlChangeAndNoError()
    {
        const string devDomain = "https://calm-owl-42.ngrok-free.dev";
        var id = Messages.NewId("pd");
        await using var pi = await ConnectAsync(id);
        await PublishAsync(pi, Ngrok(Messages.State(id, 1, 0, devDomain), AccountA));

        // The agent restarted (a new epoch): ngrok's dev domain gives the same URL again.
        await PublishAsync(pi, Ngrok(Messages.State(id, 2, 0, devDomain), AccountA));

        var view = await GetAsync(id);
        Assert.Equal(devDomain, Assert.Single(view.Tunnels).Url);
        Assert.Equal((2, 0), (view.Epoch, view.Seq));
        var types = (await HistoryAsync(id)).Select(e => e.Type).ToList();
        Assert.DoesNotContain(EventTypes.UrlChanged, types);
        Assert.DoesNotContain(EventTypes.ProviderError, types);
    }

    [Theory]
    [InlineData("ngrokAccount=0123456789abcdef")]
    [InlineData("ngrokAccount=sha256:0123")]
    [InlineData("provider=NGROK%0A")]
    public async Task List_BadProviderFilter_IsAValidationProblem(string query)
    {
        using var http = _api.CreateReader();

        var response = await http.GetAsync($"/detectors?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static StateMessage Ngrok(StateMessage state, string account) =>
        state with { Provider = new ProviderReport { Kind = "ngrok", State = "running", Reason = "preferred", NgrokAccount = account } };

    private static (string?, string?, string?) Switch(FleetEvent e) =>
        (e.Data?["from"]?.GetValue<string>(), e.Data?["to"]?.GetValue<string>(), e.Data?["reason"]?.GetValue<string>());

    private async Task<MqttTestClient> ConnectAsync(string id) =>
        await MqttTestClient.ConnectAsync(_api.Settings.Broker.Host, _api.Settings.Broker.Port, id, await _api.ProvisionEmbeddedDetectorAsync(id));

    // Publishes and waits until the API has decided about it and its registry has the result (the ingest queues that
    // re-read without waiting for it), so what the test reads next is what that decision left.
    private async Task PublishAsync(MqttTestClient pi, StateMessage state)
    {
        var metrics = _api.Metrics;
        long Decided() => metrics.AppliedTotal + metrics.StaleTotal + metrics.RejectedTotal + metrics.IgnoredTotal;
        var before = Decided();
        var result = await pi.PublishAsync(FleetTopics.State(state.DetectorId), Messages.Json(state));
        Assert.True(result.IsSuccess, $"PUBACK {result.ReasonCode}");
        await Eventually.TrueAsync(() => Task.FromResult(Decided() > before), "the API decided about the state");
        await _api.RegistryHeardAsync(state.DetectorId);
    }

    private async Task<DetectorView> GetAsync(string id)
    {
        using var http = _api.CreateReader();
        return (await http.GetFromJsonAsync<DetectorView>($"/detectors/{id}"))!;
    }

    private async Task<List<string>> ListIdsAsync(string path)
    {
        using var http = _api.CreateReader();
        return [.. (await http.GetFromJsonAsync<List<DetectorView>>(path))!.Select(d => d.Id)];
    }

    private async Task<List<FleetEvent>> HistoryAsync(string id)
    {
        using var http = _api.CreateReader();
        return (await http.GetFromJsonAsync<List<FleetEvent>>($"/detectors/{id}/history?limit=1000"))!;
    }
}
