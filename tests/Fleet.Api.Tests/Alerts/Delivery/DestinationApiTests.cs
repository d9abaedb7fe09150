using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Fleet.Api.Alerts.Delivery;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Alerts.Delivery;

/// <summary>Destinations over admin REST: validated, their secrets encrypted at rest and shown only once (a webhook's) or never.</summary>
public sealed class DestinationApiTests(DeliveryApiFixture fixture) : IClassFixture<DeliveryApiFixture>
{
    [Fact]
    public async Task Secrets_AfterCreation_NeverInAnswersLogsOrTheDatabase()
    {
        using var admin = fixture.Client(TestKeys.Admin);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var token = "tk_" + Guid.NewGuid().ToString("N");
        var slackPath = "T000/B000/" + Guid.NewGuid().ToString("N");

        var webhook = await CreateAsync(admin, new { type = "webhook", name = "w-" + suffix, url = "https://hooks.example.com/fleet" });
        var ntfy = await CreateAsync(admin, new { type = "ntfy", name = "n-" + suffix, url = "https://ntfy.example.com/fleet-alerts", token });
        var slack = await CreateAsync(admin, new { type = "slack", name = "s-" + suffix, url = "https://hooks.slack.com/services/" + slackPath });
        var email = await CreateAsync(admin, new { type = "email", name = "e-" + suffix, recipients = new[] { "ops@example.com", "oncall@example.org" } });
        var signingSecret = (string)webhook["signingSecret"]!;
        using var test = await admin.PostAsync($"/alerts/destinations/{webhook["id"]}/test", null);
        var shown = new List<string>
        {
            await admin.GetStringAsync("/alerts/destinations"),
            await test.Content.ReadAsStringAsync(),
        };
        foreach (var created in new[] { webhook, ntfy, slack, email })
        {
            shown.Add(await admin.GetStringAsync($"/alerts/destinations/{created["id"]}"));
        }

        var stored = await StoredTextAsync();

        Assert.StartsWith("whsec_", signingSecret, StringComparison.Ordinal);
        Assert.True(Convert.FromBase64String(signingSecret["whsec_".Length..]).Length >= 24);
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        Assert.Equal(signingSecret, fixture.Sender.Calls[^1].Destination.Secret);
        Assert.Null(ntfy["signingSecret"]);
        Assert.Equal("https://hooks.slack.com/…", (string?)slack["url"]);
        Assert.Equal([true, true, true, false], new[] { webhook, ntfy, slack, email }.Select(d => (bool)d["hasSecret"]!));
        Assert.Equal(["ops@example.com", "oncall@example.org"], email["recipients"]!.AsArray().Select(r => (string?)r));
        Assert.Contains(fixture.Logs.Lines, line => line.Contains("/alerts/destinations", StringComparison.Ordinal));
        foreach (var secret in new[] { signingSecret, token, slackPath })
        {
            Assert.All(shown, body => Assert.DoesNotContain(secret, body, StringComparison.Ordinal));
            Assert.DoesNotContain(fixture.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"type":"pager","name":"x","url":"https://a.example.com"}""", "type")]
    [InlineData("""{"type":"webhook","name":"","url":"https://a.example.com"}""", "name")]
    [InlineData("""{"type":"webhook","name":"x"}""", "url")]
    [InlineData("""{"type":"webhook","name":"x","url":"/relative"}""", "url")]
    [InlineData("""{"type":"webhook","name":"x","url":"http://a.example.com/hook"}""", "url")]
    [InlineData("""{"type":"webhook","name":"x","url":"ftp://a.example.com/hook"}""", "url")]
    [InlineData("""{"type":"ntfy","name":"x","url":"https://user:pass@ntfy.example.com/t"}""", "url")]
    [InlineData("""{"type":"webhook","name":"x","url":"https://a.example.com","token":"t"}""", "token")]
    [InlineData("""{"type":"email","name":"x","recipients":[]}""", "recipients")]
    [InlineData("""{"type":"email","name":"x","recipients":["not an address"]}""", "recipients")]
    [InlineData("""{"type":"email","name":"x","recipients":["Ops <ops@example.com>"]}""", "recipients")]
    [InlineData("""{"type":"email","name":"x","recipients":["a@example.com,b@example.com"]}""", "recipients")]
    [InlineData("""{"type":"email","name":"x","recipients":["a@example.com"],"url":"https://a.example.com"}""", "url")]
    [InlineData("""{"type":"slack","name":"x","url":"https://hooks.slack.com/x","recipients":["a@example.com"]}""", "recipients")]
    public async Task BadDestination_IsAValidationProblemNamingTheField(string body, string field)
    {
        using var admin = fixture.Client(TestKeys.Admin);

        using var response = await admin.PostAsync("/alerts/destinations", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(problem!["errors"]![field]);
    }

    [Fact]
    public async Task Destinations_ForAReaderOrWithoutKey_AreRefused_AndUnknownIdIs404()
    {
        using var reader = fixture.Client(TestKeys.Reader);
        using var anonymous = fixture.Client(null);
        using var admin = fixture.Client(TestKeys.Admin);

        using var asReader = await reader.GetAsync("/alerts/destinations");
        using var asAnonymous = await anonymous.GetAsync("/alerts/destinations");
        using var unknown = await admin.GetAsync("/alerts/destinations/987654321");
        using var unknownTest = await admin.PostAsync("/alerts/destinations/987654321/test", null);
        using var notJson = await admin.PostAsync("/alerts/destinations", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(
            (HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.BadRequest),
            (asReader.StatusCode, asAnonymous.StatusCode, unknown.StatusCode, unknownTest.StatusCode, notJson.StatusCode));
    }

    [Fact]
    public async Task DuplicateName_IsAConflict_AndDeleteRemovesTheDestination()
    {
        using var admin = fixture.Client(TestKeys.Admin);
        var name = "dup-" + Guid.NewGuid().ToString("N")[..8];
        var id = await DestinationApi.CreateWebhookAsync(admin, name);

        using var duplicate = await admin.PostAsJsonAsync("/alerts/destinations", new { type = "webhook", name, url = "https://b.example.com" });
        using var deleted = await admin.DeleteAsync($"/alerts/destinations/{id}");
        using var gone = await admin.GetAsync($"/alerts/destinations/{id}");

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.NoContent, HttpStatusCode.NotFound), (duplicate.StatusCode, deleted.StatusCode, gone.StatusCode));
    }

    private static async Task<JsonObject> CreateAsync(HttpClient admin, object body)
    {
        using var response = await admin.PostAsJsonAsync("/alerts/destinations", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<string> StoredTextAsync()
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Fleet.Api.Data.FleetDbContext>();
        var rows = await db.AlertDestinations.AsNoTracking().ToListAsync();
        return string.Join('\n', rows.Select(r => $"{r.Url} {r.ProtectedUrl} {r.ProtectedSecret} {r.Recipients}"));
    }
}
