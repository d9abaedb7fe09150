using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Api.History;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Api.Tests.History;

public sealed class HistoryTests(HistoryApiFixture fixture) : IClassFixture<HistoryApiFixture>
{
    private FleetApiFactory Api => fixture.Api;

    [Fact]
    public async Task History_UntilT_AnswersWhichUrlWasInForceAtT()
    {
        var id = Messages.NewId("h");
        var t0 = fixture.Clock.GetUtcNow();
        await Api.WriteStateAsync(Messages.State(id, 1, 0, "https://a.ngrok-free.app"));
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        await Api.WriteStateAsync(Messages.State(id, 1, 1, "https://b.ngrok-free.app"));
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        await Api.WriteStateAsync(Messages.State(id, 1, 2, "https://c.ngrok-free.app"));
        using var http = Api.CreateReader();

        async Task<string?> UrlAt(DateTimeOffset t)
        {
            var events = await http.GetFromJsonAsync<List<FleetEvent>>(
                $"/detectors/{id}/history?until={Iso(t)}&type=url-changed&type=tunnel-added&limit=1");
            var data = Assert.Single(events!).Data!;
            return (data["to"] ?? data["url"])?.GetValue<string>();
        }

        Assert.Equal("https://a.ngrok-free.app", await UrlAt(t0.AddMinutes(30)));
        Assert.Equal("https://b.ngrok-free.app", await UrlAt(t0.AddMinutes(90)));
        Assert.Equal("https://c.ngrok-free.app", await UrlAt(t0.AddHours(3)));
    }

    [Fact]
    public async Task History_SinceAndUntil_AreInclusiveAndExclusive()
    {
        var id = Messages.NewId("h");
        var t0 = fixture.Clock.GetUtcNow();
        await Api.WriteStateAsync(Messages.State(id, 1, 0, "https://a.ngrok-free.app"));
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        await Api.WriteStateAsync(Messages.State(id, 1, 1, "https://b.ngrok-free.app"));
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        await Api.WriteStateAsync(Messages.State(id, 1, 2, "https://c.ngrok-free.app"));
        using var http = Api.CreateReader();

        var window = await http.GetFromJsonAsync<List<FleetEvent>>($"/detectors/{id}/history?since={Iso(t0.AddHours(1))}&until={Iso(t0.AddHours(2))}");
        var fromStart = await http.GetFromJsonAsync<List<FleetEvent>>($"/detectors/{id}/history?since={Iso(t0)}");

        var only = Assert.Single(window!);
        Assert.Equal(EventTypes.UrlChanged, only.Type);
        Assert.Equal(t0.AddHours(1), only.At);
        Assert.Equal(
            [EventTypes.UrlChanged, EventTypes.UrlChanged, EventTypes.TunnelAdded, EventTypes.Registered],
            fromStart!.Select(e => e.Type));
    }

    [Fact]
    public async Task History_PagedByLimit_WalksEveryEventNewestFirstByLinkHeader()
    {
        var id = Messages.NewId("h");
        await Api.WriteStateAsync(Messages.State(id, 1, 0, "https://u0.ngrok-free.app"));
        for (var seq = 1; seq <= 5; seq++)
        {
            // Two changes share each instant: the id breaks the tie.
            if (seq % 2 == 1)
            {
                fixture.Clock.Advance(TimeSpan.FromMinutes(1));
            }

            await Api.WriteStateAsync(Messages.State(id, 1, seq, $"https://u{seq}.ngrok-free.app"));
        }

        using var http = Api.CreateReader();
        var all = await http.GetFromJsonAsync<List<FleetEvent>>($"/detectors/{id}/history?limit=1000");
        var seen = new List<FleetEvent>();
        var pages = 0;
        string? next = $"/detectors/{id}/history?limit=3";
        while (next is not null)
        {
            var response = await http.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            seen.AddRange((await response.Content.ReadFromJsonAsync<List<FleetEvent>>())!);
            pages++;
            next = response.Headers.TryGetValues("Link", out var links) ? ParseNext(links.Single()) : null;
            Assert.True(next is null || next.Contains("limit=3", StringComparison.Ordinal), next);
        }

        Assert.Equal(7, all!.Count);
        Assert.Equal(3, pages);
        Assert.Equal(all.Select(e => e.Data?.ToJsonString() + e.Type), seen.Select(e => e.Data?.ToJsonString() + e.Type));
        Assert.Equal(all.OrderByDescending(e => e.At).Select(e => e.At), all.Select(e => e.At));
        Assert.Equal("https://u5.ngrok-free.app", all[0].Data!["to"]!.GetValue<string>());
        Assert.Equal(EventTypes.Registered, all[^1].Type);
    }

    [Theory]
    [InlineData("since=yesterday", "since")]
    [InlineData("until=2026-13-01T00:00:00Z", "until")]
    [InlineData("since=2026-11-28T12:00:00Z&until=2026-11-28T10:00:00Z", "until")]
    [InlineData("type=exploded", "type")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("after=%25%25%25", "after")]
    [InlineData("after=YWJj", "after")]
    public async Task History_BadQuery_Is400NamingTheParameter(string query, string field)
    {
        using var http = Api.CreateReader();

        var response = await http.GetAsync($"/detectors/some-detector/history?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task History_UnknownDetector_Is404_ButADecommissionedOnesHistoryRemains()
    {
        var id = Messages.NewId("h");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        await Api.WithDbAsync(db => db.Detectors.Where(d => d.Id == id).ExecuteDeleteAsync());
        using var http = Api.CreateReader();

        var unknown = await http.GetAsync("/detectors/never-seen/history");
        var gone = await http.GetFromJsonAsync<List<FleetEvent>>($"/detectors/{id}/history");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal([EventTypes.TunnelAdded, EventTypes.Registered], gone!.Select(e => e.Type));
    }

    [Fact]
    public async Task History_WithoutKey_Is401()
    {
        using var http = Api.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/detectors/pi-042/history")).StatusCode);
    }

    [Fact]
    public async Task Cleanup_AfterRetention_DeletesOnlyOlderEvents()
    {
        var id = Messages.NewId("h");
        await Api.WriteStateAsync(Messages.State(id, 1, 0, "https://old.ngrok-free.app"));
        fixture.Clock.Advance(TimeSpan.FromDays(60));
        await Api.WriteStateAsync(Messages.State(id, 1, 1, "https://new.ngrok-free.app"));
        fixture.Clock.Advance(TimeSpan.FromDays(31));
        var cleanup = Api.Services.GetServices<IHostedService>().OfType<HistoryCleanupService>().Single();

        await cleanup.RunOnceAsync(CancellationToken.None);

        using var http = Api.CreateReader();
        var left = await http.GetFromJsonAsync<List<FleetEvent>>($"/detectors/{id}/history");
        var only = Assert.Single(left!);
        Assert.Equal(EventTypes.UrlChanged, only.Type);
        Assert.Equal("https://new.ngrok-free.app", only.Data!["to"]!.GetValue<string>());
    }

    private static string Iso(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string? ParseNext(string link)
    {
        var start = link.IndexOf('<', StringComparison.Ordinal) + 1;
        var end = link.IndexOf('>', StringComparison.Ordinal);
        Assert.Contains("rel=\"next\"", link, StringComparison.Ordinal);
        return link[start..end];
    }
}
