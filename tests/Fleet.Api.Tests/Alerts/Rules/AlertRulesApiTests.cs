using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.Api.Alerts.Rules;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Alerts.Rules;

/// <summary>The rules', silences' and alerts' REST API on PostgreSQL: roles, problem details for bad input, paging.</summary>
public sealed class AlertRulesApiTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));
    private AlertRulesHarness _h = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("alertsapi");
        _h = await AlertRulesHarness.StartAsync(
            new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded()) { Extra = new Dictionary<string, string?> { ["Presence:Enabled"] = "false" } },
            _clock);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public static TheoryData<string, string> BadRules => new()
    {
        { """{"events":["lost"]}""", "name" },
        { """{"name":"x","events":[]}""", "events" },
        { """{"name":"x","events":["online"]}""", "events" },
        { """{"name":"x","events":["lost"],"forSeconds":-1}""", "forSeconds" },
        { """{"name":"x","events":["lost"],"groupBy":"site"}""", "groupBy" },
        { """{"name":"x","events":["lost"],"tags":["Not A Tag"]}""", "tags" },
        { """{"name":"x","events":["lost"],"detectorIds":["../etc"]}""", "detectorIds" },
        { """{"name":"x","events":["lost"],"destinationIds":[99]}""", "destinationIds" },
        { """{"name":"x","kind":"fleet","events":["lost"],"thresholdPercent":10}""", "tags" },
        { """{"name":"x","kind":"fleet","events":["lost"],"tags":["a"]}""", "thresholdPercent" },
        { """{"name":"x","kind":"fleet","events":["url-changed"],"tags":["a"],"thresholdPercent":10}""", "events" },
        { """{"name":"x","kind":"cluster","events":["lost"]}""", "kind" },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public async Task CreateRule_BadInput_IsAValidationProblemNamingTheField(string body, string field)
    {
        using var http = _h.Api.CreateAdmin();
        var response = await http.PostAsync("/alerts/rules", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("""{"name":"x","events":"lost"}""")]
    [InlineData("""{"name":"x","forSeconds":"PT2M"}""")]
    [InlineData("""{"name":""")]
    [InlineData("null")]
    public async Task CreateRule_MalformedBody_IsABadRequestProblem(string body)
    {
        using var http = _h.Api.CreateAdmin();
        var response = await http.PostAsync("/alerts/rules", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Rules_CreateReadReplaceDelete_RoundTrip_AndReadersCannotWrite()
    {
        using var reader = _h.Api.CreateReader();
        var refused = await reader.PostAsJsonAsync("/alerts/rules", new { name = "x", events = new[] { "lost" } });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var rule = await _h.CreateRuleAsync(new { name = "all lost", events = new[] { "lost", "offline" }, forSeconds = 120, destinationIds = new[] { 1L } });
        Assert.Equal((120, 0, "none", true, true), (rule.ForSeconds, rule.GroupWindowSeconds, rule.GroupBy, rule.Recovery, rule.Enabled));
        var read = (await reader.GetFromJsonAsync<RuleView>($"/alerts/rules/{rule.Id}"))!;
        Assert.Equal((rule.Name, rule.CreatedAt), (read.Name, read.CreatedAt));
        Assert.Equal(["lost", "offline"], read.Events);
        Assert.Equal([1L], read.DestinationIds);
        Assert.Equal([rule.Id], (await reader.GetFromJsonAsync<List<RuleView>>("/alerts/rules"))!.Select(r => r.Id));

        using var admin = _h.Api.CreateAdmin();
        var replaced = await admin.PutAsJsonAsync($"/alerts/rules/{rule.Id}", new { name = "lab lost", events = new[] { "lost" }, tags = new[] { "lab-a" }, enabled = false });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var view = (await reader.GetFromJsonAsync<RuleView>($"/alerts/rules/{rule.Id}"))!;
        Assert.Equal(("lab lost", false, 0), (view.Name, view.Enabled, view.DestinationIds.Count));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/alerts/rules/{rule.Id}")).StatusCode);
        var gone = await reader.GetAsync($"/alerts/rules/{rule.Id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/alerts/rules/{rule.Id}")).StatusCode);
    }

    [Fact]
    public async Task Silences_NeedAnEndAndATarget_AndAreListedAsExpiredAfterTheirEnd()
    {
        using var admin = _h.Api.CreateAdmin();
        var noEnd = await admin.PostAsJsonAsync("/alerts/silences", new { tags = new[] { "lab-a" } });
        var noTarget = await admin.PostAsJsonAsync("/alerts/silences", new { endsAt = _clock.GetUtcNow().AddHours(1) });
        var past = await admin.PostAsJsonAsync("/alerts/silences", new { tags = new[] { "lab-a" }, endsAt = _clock.GetUtcNow().AddHours(-1) });
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest], new[] { noEnd.StatusCode, noTarget.StatusCode, past.StatusCode });

        var created = await admin.PostAsJsonAsync("/alerts/silences", new { detectorIds = new[] { "pi-1" }, endsAt = _clock.GetUtcNow().AddMinutes(10) });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var silence = (await created.Content.ReadFromJsonAsync<SilenceView>())!;
        Assert.Equal(("active", _clock.GetUtcNow()), (silence.State, silence.StartsAt));

        _clock.Advance(TimeSpan.FromMinutes(11));
        using var reader = _h.Api.CreateReader();
        var listed = Assert.Single((await reader.GetFromJsonAsync<List<SilenceView>>("/alerts/silences"))!);
        Assert.Equal((silence.Id, "expired"), (listed.Id, listed.State));
    }

    [Fact]
    public async Task Alerts_AreListedNewestFirst_InPagesLinkedByTheLinkHeader()
    {
        await _h.CreateRuleAsync(new { name = "any offline", events = new[] { "offline" }, destinationIds = new[] { 1L } });
        var ids = Enumerable.Range(0, 3).Select(_ => Messages.NewId("pg")).ToList();
        foreach (var id in ids)
        {
            await _h.Api.WriteStateAsync(Messages.State(id, 1, 0));
            await _h.Api.WriteStatusAsync(id, Messages.Status(Presence.Offline, 1));
            await _h.EvaluateAsync();
        }

        using var reader = _h.Api.CreateReader();
        var first = await reader.GetAsync("/alerts?limit=2");
        var page = (await first.Content.ReadFromJsonAsync<List<AlertView>>())!;
        Assert.Equal([ids[2], ids[1]], page.Select(a => Assert.Single(a.DetectorIds)));
        var next = first.Headers.GetValues("Link").Single();
        var url = next[(next.IndexOf('<') + 1)..next.IndexOf('>')];
        var rest = (await reader.GetFromJsonAsync<List<AlertView>>(url))!;
        Assert.Equal([ids[0]], rest.Select(a => Assert.Single(a.DetectorIds)));
        Assert.Equal("firing", rest[0].Status);

        Assert.Equal(rest[0].Id, (await reader.GetFromJsonAsync<AlertView>($"/alerts/{rest[0].Id}"))!.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync("/alerts/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reader.GetAsync("/alerts?after=nonsense!")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reader.GetAsync("/alerts?limit=0")).StatusCode);
    }

    [Fact]
    public async Task OpenApi_ListsTheAlertRoutes()
    {
        using var reader = _h.Api.CreateReader();
        var document = await reader.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/alerts", "/alerts/{id}", "/alerts/rules", "/alerts/rules/{id}", "/alerts/silences", "/alerts/silences/{id}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not in the OpenAPI document");
        }
    }
}
