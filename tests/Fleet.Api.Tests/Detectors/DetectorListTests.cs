using System.Net;
using System.Net.Http.Json;
using Fleet.Domain.Messages;

namespace Fleet.Api.Tests.Detectors;

public sealed class DetectorListTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    private FleetApiFactory Api => fixture.Api;

    [Fact]
    public async Task Paging_250DetectorsWithLimit100_WalksThreePagesByLinkHeader()
    {
        var prefix = Messages.NewId("pg");
        var ids = Enumerable.Range(0, 250).Select(i => $"{prefix}-{i:D3}").ToList();
        foreach (var id in ids)
        {
            await Api.WriteStateAsync(Messages.State(id, 1, 0));
        }

        using var http = Api.CreateReader();
        var seen = new List<string>();
        var pages = 0;
        string? next = $"/detectors?q={prefix}&limit=100";
        while (next is not null)
        {
            var response = await http.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("250", response.Headers.GetValues("X-Total-Count").Single());
            var page = await response.Content.ReadFromJsonAsync<List<DetectorView>>();
            seen.AddRange(page!.Select(d => d.Id));
            pages++;
            next = response.Headers.TryGetValues("Link", out var links) ? ParseNext(links.Single()) : null;
        }

        Assert.Equal(3, pages);
        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task Filters_ByStatusTagAndText_Combine()
    {
        var prefix = Messages.NewId("f");
        string online = $"{prefix}-on", lost = $"{prefix}-lost", offline = $"{prefix}-off";
        await Api.WriteStateAsync(Messages.State(online, 1, 0));
        await Api.WriteStateAsync(Messages.State(lost, 1, 0));
        await Api.WriteStatusAsync(lost, Messages.Status(Presence.Lost, 1));
        await Api.WriteStateAsync(Messages.State(offline, 1, 0));
        await Api.WriteStatusAsync(offline, Messages.Status(Presence.Offline, 1));
        using var admin = Api.CreateAdmin();
        (await admin.PatchAsJsonAsync($"/detectors/{online}", new { tags = new[] { "roof", "lab-a" }, name = "Roof Detector" })).EnsureSuccessStatusCode();
        (await admin.PatchAsJsonAsync($"/detectors/{lost}", new { tags = new[] { "roof" } })).EnsureSuccessStatusCode();

        using var http = Api.CreateReader();
        async Task<string[]> Ids(string query) =>
            [.. (await http.GetFromJsonAsync<List<DetectorView>>($"/detectors?q={prefix}&{query}"))!.Select(d => d.Id).Order(StringComparer.Ordinal)];

        Assert.Equal([online], await Ids("status=online"));
        Assert.Equal([lost, offline], await Ids("status=lost&status=offline"));
        Assert.Equal([online], await Ids("tag=roof&tag=lab-a"));
        Assert.Equal([lost, online], await Ids("tag=roof"));
        Assert.Empty(await Ids("tag=roof&status=offline"));
        Assert.Single(await http.GetFromJsonAsync<List<DetectorView>>("/detectors?q=roof%20detector")
            ?? throw new InvalidOperationException());
    }

    [Fact]
    public async Task Detector_InList_CarriesItsLinksTunnelsAndPresence()
    {
        var id = Messages.NewId("l");
        await Api.WriteStateAsync(Messages.State(id, 4, 2));
        using var http = Api.CreateReader();

        var view = await http.GetFromJsonAsync<DetectorView>($"/detectors/{id}");

        Assert.Equal(Presence.Online, view!.Status);
        Assert.Equal($"/detectors/{id}", view.Links.Self);
        Assert.Equal($"/d/{id}", view.Links.Open);
        Assert.Equal("https://ab12cd34.ngrok-free.app", Assert.Single(view.Tunnels).Url);
        Assert.NotNull(view.LastSeenAt);
    }

    [Fact]
    public async Task Patch_MergesMetadata_NullClearsAndAbsentKeeps()
    {
        var id = Messages.NewId("p");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        using var admin = Api.CreateAdmin();

        (await admin.PatchAsJsonAsync($"/detectors/{id}", new { name = "Lab", notes = "calibrated", tags = new[] { "a" } })).EnsureSuccessStatusCode();
        var response = await admin.PatchAsync($"/detectors/{id}", JsonContent.Create(new Dictionary<string, object?> { ["notes"] = null }));

        response.EnsureSuccessStatusCode();
        var view = await response.Content.ReadFromJsonAsync<DetectorView>();
        Assert.Equal("Lab", view!.Name);
        Assert.Null(view.Notes);
        Assert.Equal(["a"], view.Tags);
    }

    private static string? ParseNext(string link)
    {
        var start = link.IndexOf('<', StringComparison.Ordinal) + 1;
        var end = link.IndexOf('>', StringComparison.Ordinal);
        Assert.Contains("rel=\"next\"", link, StringComparison.Ordinal);
        return link[start..end];
    }
}
