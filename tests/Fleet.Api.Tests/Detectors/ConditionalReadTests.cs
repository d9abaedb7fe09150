using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Fleet.Api.PresenceSweep;
using Fleet.Api.Tests.PresenceSweep;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Fleet.Api.Tests.Detectors;

/// <summary>
/// ETag / If-None-Match on <c>GET /detectors</c> and <c>GET /detectors/{id}</c>, on each provider (the derived
/// classes): a match is a 304 without a body, and every kind of write (ingest, PATCH, decommission, the presence
/// sweep, a tunnel change on its own) changes the tags of what it touched.
/// </summary>
public abstract class ConditionalReadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly JumpingClock _clock = new();

    protected FleetApiFactory Api { get; private set; } = null!;

    protected ITestOutputHelper Output => output;

    public async Task InitializeAsync()
    {
        Api = await FleetApiFactory.StartAsync(await CreateSettingsAsync() with { Clock = _clock });
    }

    public virtual async Task DisposeAsync() => await Api.DisposeAsync();

    protected abstract Task<FleetApiSettings> CreateSettingsAsync();

    [Fact]
    public async Task GetDetector_WithItsETag_Is304WithoutBody()
    {
        var id = Messages.NewId("ce");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        using var http = Api.CreateReader();

        var first = await http.GetAsync($"/detectors/{id}");
        var tag = first.Headers.ETag;
        var second = await SendAsync(http, $"/detectors/{id}", tag);
        var body = await second.Content.ReadAsStringAsync();
        output.WriteLine($"200 with ETag {tag} and Cache-Control {first.Headers.CacheControl}; conditional: {(int)second.StatusCode}, {body.Length} body bytes");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(tag);
        Assert.False(tag.IsWeak);
        Assert.True(first.Headers.CacheControl?.NoCache);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(body);
        Assert.Equal(tag, second.Headers.ETag);
        Assert.True(second.Headers.CacheControl?.NoCache);
    }

    [Fact]
    public async Task GetDetector_WeakOrListedOrStarIfNoneMatch_Is304_AndAnotherTagIs200()
    {
        var id = Messages.NewId("cw");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        using var http = Api.CreateReader();
        var tag = (await http.GetAsync($"/detectors/{id}")).Headers.ETag!.Tag;

        Assert.Equal(HttpStatusCode.NotModified, (await SendAsync(http, $"/detectors/{id}", $"W/{tag}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, (await SendAsync(http, $"/detectors/{id}", $"\"other\", {tag}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, (await SendAsync(http, $"/detectors/{id}", "*")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, $"/detectors/{id}", "\"other\"")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, $"/detectors/{Messages.NewId("none")}", "*")).StatusCode);
    }

    [Fact]
    public async Task ListDetectors_WithItsETag_Is304WithoutBody()
    {
        var prefix = Messages.NewId("cl");
        await Api.WriteStateAsync(Messages.State($"{prefix}-a", 1, 0));
        await Api.WriteStateAsync(Messages.State($"{prefix}-b", 1, 0));
        using var http = Api.CreateReader();

        var (tag, response) = await NotModifiedAsync(http, $"/detectors?q={prefix}&limit=1");

        Assert.False(tag.IsWeak);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.CacheControl?.NoCache);
    }

    [Fact]
    public async Task ListDetectors_DifferentQueries_HaveDifferentETags()
    {
        var prefix = Messages.NewId("cq");
        await Api.WriteStateAsync(Messages.State($"{prefix}-a", 1, 0));
        using var http = Api.CreateReader();

        var (all, _) = await NotModifiedAsync(http, $"/detectors?q={prefix}");
        var online = (await http.GetAsync($"/detectors?q={prefix}&status=online")).Headers.ETag;

        Assert.NotEqual(all, online);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, $"/detectors?q={prefix}&status=online", all)).StatusCode);
    }

    [Fact]
    public async Task ETags_AfterAnIngestWrite_Change()
    {
        var id = Messages.NewId("ci");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));

        await AssertWriteChangesTagsAsync(id, "a state with a new URL (ingest)",
            () => Api.WriteStateAsync(Messages.State(id, 1, 1, "https://changed.ngrok-free.app")),
            view => Assert.Equal("https://changed.ngrok-free.app", Assert.Single(view!.Tunnels).Url));
    }

    [Fact]
    public async Task ETags_AfterAHeartbeatThatOnlyMovesSeq_Change()
    {
        var id = Messages.NewId("ch");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));

        await AssertWriteChangesTagsAsync(id, "a heartbeat (same tunnels, next seq)",
            () => Api.WriteStateAsync(Messages.State(id, 1, 1)),
            view => Assert.Equal(1, view!.Seq));
    }

    [Fact]
    public async Task ETags_AfterPatch_Change()
    {
        var id = Messages.NewId("cp");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        using var admin = Api.CreateAdmin();

        await AssertWriteChangesTagsAsync(id, "PATCH name",
            async () => (await admin.PatchAsJsonAsync($"/detectors/{id}", new { name = "Roof" })).EnsureSuccessStatusCode(),
            view => Assert.Equal("Roof", view!.Name));
    }

    [Fact]
    public async Task ETags_AfterPresenceSweepMarksLost_Change()
    {
        var id = Messages.NewId("cs");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        var sweeper = Api.Services.GetRequiredService<PresenceSweeper>();

        await AssertWriteChangesTagsAsync(id, "the presence sweep (3 heartbeats missed)",
            async () =>
            {
                // Moving the fake clock also fires the sweeper's own timer (which may get there first) and the MQTT
                // keep-alive timers (a sweep while the API reconnects is skipped): step until the row says lost.
                await Eventually.TrueAsync(
                    async () =>
                    {
                        _clock.Advance(TimeSpan.FromSeconds(61));
                        await Eventually.TrueAsync(() => Task.FromResult(Api.MqttConnected), "the API connected to its broker");
                        await sweeper.SweepOnceAsync(CancellationToken.None);
                        return (await Api.FindDetectorAsync(id))?.Status == "lost";
                    },
                    $"a sweep marks {id} lost");
            },
            view => Assert.Equal(Presence.Lost, view!.Status));
    }

    [Fact]
    public async Task ETags_AfterATunnelChangeAlone_Change()
    {
        var id = Messages.NewId("ct");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));

        // Only the tunnels table is written: its trigger must re-stamp the detector.
        await AssertWriteChangesTagsAsync(id, "UPDATE tunnels (no detectors write)",
            () => Api.WithDbAsync(db => db.Database.ExecuteSqlAsync(
                $"UPDATE tunnels SET upstream = 'http://localhost:8080' WHERE detector_id = {id}")),
            view => Assert.Equal("http://localhost:8080", Assert.Single(view!.Tunnels).Upstream));
    }

    [Fact]
    public async Task ListETag_AfterDecommission_Changes()
    {
        var prefix = Messages.NewId("cd");
        var gone = $"{prefix}-gone";
        await Api.WriteStateAsync(Messages.State($"{prefix}-stays", 1, 0));
        await Api.WriteStateAsync(Messages.State(gone, 1, 0));
        using var http = Api.CreateReader();
        using var admin = Api.CreateAdmin();
        var list = $"/detectors?q={prefix}";
        var (before, _) = await NotModifiedAsync(http, list);

        (await admin.DeleteAsync($"/detectors/{gone}")).EnsureSuccessStatusCode();
        var after = await SendAsync(http, list, before);
        var ids = (await after.Content.ReadFromJsonAsync<List<DetectorView>>())!.Select(d => d.Id).ToList();
        output.WriteLine($"decommissioned {gone}: list tag {before} -> {(int)after.StatusCode} {after.Headers.ETag}, ids now {string.Join(",", ids)}");

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.DoesNotContain(gone, ids);
        Assert.NotEqual(before, after.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, $"/detectors/{gone}", "*")).StatusCode);
    }

    /// <summary>
    /// The single and the list tags match before the write (304), and after it the old tags give a 200 with the new
    /// data and a different tag.
    /// </summary>
    private async Task AssertWriteChangesTagsAsync(string id, string write, Func<Task> act, Action<DetectorView?> changed)
    {
        using var http = Api.CreateReader();
        var one = $"/detectors/{id}";
        var list = $"/detectors?q={id}";
        var (oneBefore, _) = await NotModifiedAsync(http, one);
        var (listBefore, _) = await NotModifiedAsync(http, list);

        await act();
        var oneAfter = await SendAsync(http, one, oneBefore);
        var listAfter = await SendAsync(http, list, listBefore);
        output.WriteLine($"injected: {write}; /detectors/{{id}} {oneBefore} -> {(int)oneAfter.StatusCode} {oneAfter.Headers.ETag}; " +
            $"list {listBefore} -> {(int)listAfter.StatusCode} {listAfter.Headers.ETag}");

        Assert.Equal(HttpStatusCode.OK, oneAfter.StatusCode);
        Assert.NotEqual(oneBefore, oneAfter.Headers.ETag);
        changed(await oneAfter.Content.ReadFromJsonAsync<DetectorView>());
        Assert.Equal(HttpStatusCode.OK, listAfter.StatusCode);
        Assert.NotEqual(listBefore, listAfter.Headers.ETag);
        changed(Assert.Single((await listAfter.Content.ReadFromJsonAsync<List<DetectorView>>())!));
    }

    /// <summary>
    /// A tag that answers 304. A list tag also names the writers in flight anywhere on the server (other test
    /// classes share it), so a conditional request may miss while one is open: ask again with the new tag.
    /// </summary>
    protected static async Task<(EntityTagHeaderValue Tag, HttpResponseMessage NotModified)> NotModifiedAsync(HttpClient http, string url)
    {
        EntityTagHeaderValue? tag = null;
        var response = await Eventually.GetAsync(
            async () =>
            {
                if (tag is null)
                {
                    var fresh = await http.GetAsync(url);
                    Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
                    tag = fresh.Headers.ETag;
                    return fresh;
                }

                var conditional = await SendAsync(http, url, tag);
                tag = conditional.StatusCode == HttpStatusCode.NotModified ? tag : conditional.Headers.ETag;
                return conditional;
            },
            r => r.StatusCode == HttpStatusCode.NotModified,
            $"a conditional GET {url} answers 304");
        return (tag!, response);
    }

    protected static Task<HttpResponseMessage> SendAsync(HttpClient http, string url, EntityTagHeaderValue? tag) =>
        SendAsync(http, url, tag?.ToString() ?? "\"none\"");

    protected static Task<HttpResponseMessage> SendAsync(HttpClient http, string url, string ifNoneMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return http.SendAsync(request);
    }
}
