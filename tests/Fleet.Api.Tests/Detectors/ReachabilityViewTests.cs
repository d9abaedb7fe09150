using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Domain.Messages;

namespace Fleet.Api.Tests.Detectors;

/// <summary>
/// Reachability as <c>GET /detectors</c> and <c>GET /detectors/{id}</c> show it, on each provider (the derived
/// classes), from the columns the ingest and the prober write (set directly here): check and probe per tunnel, the
/// summary (unknown while not online), the <c>reachability</c> filter with paging totals, and ETags that follow.
/// </summary>
public abstract class ReachabilityViewTests : IAsyncLifetime
{
    private static readonly DateTimeOffset ProbedAt = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    protected FleetApiFactory Api { get; private set; } = null!;

    public async Task InitializeAsync() => Api = await FleetApiFactory.StartAsync(await CreateSettingsAsync());

    public virtual async Task DisposeAsync() => await Api.DisposeAsync();

    protected abstract Task<FleetApiSettings> CreateSettingsAsync();

    [Fact]
    public async Task GetDetector_CheckAndProbeStored_MapsBothAndTheDegradedSummary()
    {
        var id = await WriteTwoTunnelsAsync("rv");
        await Api.SetAsync(id, ReachabilityStates.Degraded, d =>
        {
            d.Tunnels.Single(t => t.Name == "web").Check(CheckOutcomes.UpstreamDown, "ERR_NGROK_8012", 502);
            d.Tunnels.Single(t => t.Name == "web").Probe(CheckOutcomes.EndpointOffline, ProbedAt, "ERR_NGROK_3200", 404);
            d.Tunnels.Single(t => t.Name == "ssh").Check(CheckOutcomes.Ok);
        });
        using var http = Api.CreateReader();

        var view = (await http.GetFromJsonAsync<DetectorView>($"/detectors/{id}"))!;

        var web = view.Tunnels.Single(t => t.Name == "web");
        Assert.Equal(new TunnelCheck
        {
            Outcome = CheckOutcomes.UpstreamDown, Code = "ERR_NGROK_8012", HttpStatus = 502, LatencyMs = 84,
            CheckedAt = new DateTimeOffset(2026, 11, 28, 9, 59, 58, TimeSpan.Zero),
        }, web.Check);
        Assert.Equal(new TunnelCheck
        {
            Outcome = CheckOutcomes.EndpointOffline, Code = "ERR_NGROK_3200", HttpStatus = 404, LatencyMs = 120, CheckedAt = ProbedAt,
        }, web.Probe);
        var ssh = view.Tunnels.Single(t => t.Name == "ssh");
        Assert.Equal(CheckOutcomes.Ok, ssh.Check?.Outcome);
        Assert.Null(ssh.Probe);
        Assert.NotNull(view.Reachability);
        Assert.Equal(ReachabilityStates.Degraded, view.Reachability.State);
        Assert.Equal(
            new[]
            {
                new FailingTunnel("web", CheckOutcomes.UpstreamDown, "ERR_NGROK_8012", "agent"),
                new FailingTunnel("web", CheckOutcomes.EndpointOffline, "ERR_NGROK_3200", "probe"),
            },
            view.Reachability.Failing);
        // The probe (API clock, set in the future here) is newer than the state that carried the checks.
        Assert.Equal(ProbedAt, view.Reachability.CheckedAt);
    }

    [Fact]
    public async Task GetDetector_NothingChecked_HasNullCheckAndProbeAndUnknown()
    {
        var id = await WriteTwoTunnelsAsync("rn");
        using var http = Api.CreateReader();

        var json = await http.GetFromJsonAsync<JsonElement>($"/detectors/{id}");

        var web = json.GetProperty("tunnels").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "web");
        Assert.Equal(JsonValueKind.Null, web.GetProperty("check").ValueKind);
        Assert.Equal(JsonValueKind.Null, web.GetProperty("probe").ValueKind);
        Assert.Equal(ReachabilityStates.Unknown, json.GetProperty("reachability").GetProperty("state").GetString());
        Assert.Equal(0, json.GetProperty("reachability").GetProperty("failing").GetArrayLength());
    }

    [Fact]
    public async Task GetDetector_LostWithAStoredFailure_ShowsUnknownAndNoFailingButKeepsTheChecks()
    {
        var id = await WriteTwoTunnelsAsync("rl");
        await Api.SetAsync(id, ReachabilityStates.Unreachable, d =>
        {
            foreach (var tunnel in d.Tunnels)
            {
                tunnel.Check(CheckOutcomes.Timeout);
            }
        });
        await Api.WriteStatusAsync(id, Messages.Status(Presence.Lost, 1));
        using var http = Api.CreateReader();

        var view = (await http.GetFromJsonAsync<DetectorView>($"/detectors/{id}"))!;

        Assert.Equal(Presence.Lost, view.Status);
        Assert.Equal(ReachabilityStates.Unknown, view.Reachability?.State);
        Assert.Empty(view.Reachability!.Failing);
        Assert.All(view.Tunnels, t => Assert.Equal(CheckOutcomes.Timeout, t.Check?.Outcome));
    }

    [Fact]
    public async Task ListDetectors_ReachabilityFilter_MatchesWhatTheViewsShow_WithTotalsAndOtherFilters()
    {
        var prefix = Messages.NewId("rf");
        string reachable = $"{prefix}-a", degraded = $"{prefix}-b", unreachable = $"{prefix}-c", lost = $"{prefix}-d", nothingChecked = $"{prefix}-e";
        foreach (var id in new[] { reachable, degraded, unreachable, lost, nothingChecked })
        {
            await Api.WriteStateAsync(Messages.State(id, 1, 0));
        }

        await Api.SetAsync(reachable, ReachabilityStates.Reachable, d => d.Tunnels[0].Check(CheckOutcomes.Ok));
        await Api.SetAsync(degraded, ReachabilityStates.Degraded, d => d.Tunnels[0].Check(CheckOutcomes.UpstreamDown));
        await Api.SetAsync(unreachable, ReachabilityStates.Unreachable, d => d.Tunnels[0].Check(CheckOutcomes.EndpointOffline));
        await Api.SetAsync(lost, ReachabilityStates.Unreachable, d => d.Tunnels[0].Check(CheckOutcomes.EndpointOffline));
        await Api.WriteStatusAsync(lost, Messages.Status(Presence.Lost, 1));
        using var http = Api.CreateReader();

        async Task<(string[] Ids, string Total, string[] States)> List(string query)
        {
            var response = await http.GetAsync($"/detectors?q={prefix}&{query}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var views = (await response.Content.ReadFromJsonAsync<List<DetectorView>>())!;
            return ([.. views.Select(v => v.Id)], response.Headers.GetValues("X-Total-Count").Single(), [.. views.Select(v => v.Reachability!.State).Distinct()]);
        }

        Assert.Equal((reachable, "1", ReachabilityStates.Reachable), Flat(await List("reachability=reachable")));
        Assert.Equal(($"{degraded},{unreachable}", "2"), Ids(await List("reachability=degraded&reachability=unreachable")));
        Assert.Equal(($"{lost},{nothingChecked}", "2", ReachabilityStates.Unknown), Flat(await List("reachability=unknown")));
        Assert.Equal(($"{reachable},{lost},{nothingChecked}", "3"), Ids(await List("reachability=reachable&reachability=unknown&status=online&status=lost")));
        Assert.Equal((nothingChecked, "1"), Ids(await List("reachability=unknown&status=online")));
        Assert.Equal((lost, "2"), Ids(await List("reachability=unknown&limit=1")));
        Assert.Equal(("", "0"), Ids(await List("reachability=unreachable&status=lost")));
    }

    [Fact]
    public async Task ListDetectors_UnknownReachabilityValue_Is400NamingTheParameterAndTheValues()
    {
        using var http = Api.CreateReader();

        var response = await http.GetAsync("/detectors?reachability=reachable&reachability=sometimes");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var message = problem.GetProperty("errors").GetProperty("reachability")[0].GetString();
        Assert.Equal("Unknown reachability 'sometimes'. Expected one of reachable, degraded, unreachable, unknown.", message);
    }

    [Fact]
    public async Task ETags_ACheckWrittenToATunnel_ChangesTheDetectorsAndTheFilteredListsTag()
    {
        var id = await WriteTwoTunnelsAsync("re");
        using var http = Api.CreateReader();
        var one = await http.GetAsync($"/detectors/{id}");
        var list = await http.GetAsync($"/detectors?q={id}&reachability=unknown");

        await Api.SetAsync(id, ReachabilityStates.Unreachable, d =>
        {
            foreach (var tunnel in d.Tunnels)
            {
                tunnel.Check(CheckOutcomes.EndpointOffline, "ERR_NGROK_3200");
            }
        });
        var oneAfter = await SendAsync(http, $"/detectors/{id}", one.Headers.ETag);
        var listAfter = await SendAsync(http, $"/detectors?q={id}&reachability=unknown", list.Headers.ETag);

        Assert.Equal(HttpStatusCode.OK, oneAfter.StatusCode);
        Assert.NotEqual(one.Headers.ETag, oneAfter.Headers.ETag);
        Assert.Equal(ReachabilityStates.Unreachable, (await oneAfter.Content.ReadFromJsonAsync<DetectorView>())!.Reachability?.State);
        Assert.Equal(HttpStatusCode.OK, listAfter.StatusCode);
        Assert.Empty((await listAfter.Content.ReadFromJsonAsync<List<DetectorView>>())!);
    }

    private async Task<string> WriteTwoTunnelsAsync(string prefix)
    {
        var id = Messages.NewId(prefix);
        await Api.WriteStateAsync(Messages.State(id, 1, 0) with
        {
            Tunnels =
            [
                new TunnelReport { Name = "web", Url = "https://ab12cd34.ngrok-free.app", Proto = "https", Upstream = "http://localhost:80" },
                new TunnelReport { Name = "ssh", Url = "tcp://0.tcp.eu.ngrok.io:12345", Proto = "tcp", Upstream = "localhost:22" },
            ],
        });
        return id;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string path, EntityTagHeaderValue? tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(tag!);
        return await http.SendAsync(request);
    }

    private static (string, string, string) Flat((string[] Ids, string Total, string[] States) page) =>
        (string.Join(',', page.Ids), page.Total, string.Join(',', page.States));

    private static (string, string) Ids((string[] Ids, string Total, string[] States) page) => (string.Join(',', page.Ids), page.Total);
}
