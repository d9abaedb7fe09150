using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Api.Alerts.Delivery;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Alerts.Delivery;

/// <summary>
/// PATCH /alerts/destinations/{id}: fields given change, the rest stay; validated as a creation; secrets write-only
/// (replaced or rotated, never shown but a rotated signing secret once); disabled means nothing is sent.
/// </summary>
public sealed class DestinationUpdateTests(DeliveryApiFixture fixture) : IClassFixture<DeliveryApiFixture>
{
    [Fact]
    public async Task Update_NtfyNameUrlAndToken_ChangesThem_TheTokenWriteOnly_EmptyTokenRemovesIt()
    {
        using var admin = fixture.Client(TestKeys.Admin);
        var name = "n-" + Guid.NewGuid().ToString("N")[..8];
        var newToken = "tk_" + Guid.NewGuid().ToString("N");
        var id = await CreateAsync(admin, new { type = "ntfy", name, url = "https://ntfy.example.com/old", token = "tk_old" });

        using var changed = await PatchAsync(admin, id, new { name = name + "-2", url = "https://ntfy.example.com/new", token = newToken });
        var changedText = await changed.Content.ReadAsStringAsync();
        var view = JsonNode.Parse(changedText)!;
        var stored = await StoredAsync(id);
        using var removed = await PatchAsync(admin, id, new { token = "" });
        var afterRemoval = (await removed.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal((name + "-2", "https://ntfy.example.com/new", true), ((string?)view["name"], (string?)view["url"], (bool)view["hasSecret"]!));
        Assert.NotNull(view["updatedAt"]);
        Assert.DoesNotContain(newToken, changedText, StringComparison.Ordinal);
        Assert.DoesNotContain(newToken, await admin.GetStringAsync($"/alerts/destinations/{id}"), StringComparison.Ordinal);
        Assert.Equal(newToken, fixture.Api.Services.GetRequiredService<DestinationSecrets>().Unprotect(stored.ProtectedSecret));
        Assert.Equal((HttpStatusCode.OK, false, name + "-2"), (removed.StatusCode, (bool)afterRemoval["hasSecret"]!, (string?)afterRemoval["name"]));
    }

    [Fact]
    public async Task Update_WebhookRotateSecret_NewSecretShownOnce_SignsFromThenOn_AndAUrlChangeKeepsIt()
    {
        using var admin = fixture.Client(TestKeys.Admin);
        using var created = await admin.PostAsJsonAsync("/alerts/destinations", new { type = "webhook", name = "r-" + Guid.NewGuid().ToString("N")[..8], url = "https://hooks.example.com/a" });
        var first = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var id = (long)first["id"]!;

        using var rotated = await PatchAsync(admin, id, new { rotateSecret = true });
        var secret = (string?)(await rotated.Content.ReadFromJsonAsync<JsonObject>())!["signingSecret"];
        using var moved = await PatchAsync(admin, id, new { url = "https://hooks.example.com/b" });
        var movedView = (await moved.Content.ReadFromJsonAsync<JsonObject>())!;
        using var test = await admin.PostAsync($"/alerts/destinations/{id}/test", null);

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.NotEqual((string?)first["signingSecret"], secret);
        Assert.Null(movedView["signingSecret"]);
        Assert.DoesNotContain(secret!, await admin.GetStringAsync($"/alerts/destinations/{id}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        var sent = fixture.Sender.Calls.Last(c => c.Destination.Id == id).Destination;
        Assert.Equal((secret, "https://hooks.example.com/b"), (sent.Secret, sent.Url?.AbsoluteUri));
    }

    [Theory]
    [InlineData("""{"url":"http://a.example.com/hook"}""", "url")]
    [InlineData("""{"url":"/relative"}""", "url")]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"type":"ntfy"}""", "type")]
    [InlineData("""{"token":"t"}""", "token")]
    [InlineData("""{"recipients":["a@example.com"]}""", "recipients")]
    public async Task Update_Invalid_IsAValidationProblemNamingTheField_AndChangesNothing(string body, string field)
    {
        using var admin = fixture.Client(TestKeys.Admin);
        var id = await DestinationApi.CreateWebhookAsync(admin, "v-" + Guid.NewGuid().ToString("N")[..8]);
        var before = await admin.GetStringAsync($"/alerts/destinations/{id}");

        using var response = await admin.PatchAsync($"/alerts/destinations/{id}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(problem!["errors"]![field]);
        Assert.Equal(before, await admin.GetStringAsync($"/alerts/destinations/{id}"));
    }

    [Fact]
    public async Task Update_UnknownIsA404Problem_ATakenNameA409_AReaderRefused_AndTheOpenApiDocumentListsIt()
    {
        using var admin = fixture.Client(TestKeys.Admin);
        using var reader = fixture.Client(TestKeys.Reader);
        var taken = "t-" + Guid.NewGuid().ToString("N")[..8];
        await DestinationApi.CreateWebhookAsync(admin, taken);
        var id = await DestinationApi.CreateWebhookAsync(admin, "u-" + Guid.NewGuid().ToString("N")[..8]);

        using var unknown = await PatchAsync(admin, 987654321, new { name = "x" });
        using var conflict = await PatchAsync(admin, id, new { name = taken });
        using var forbidden = await PatchAsync(reader, id, new { name = "x" });
        var document = await admin.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (unknown.StatusCode, unknown.Content.Headers.ContentType?.MediaType));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("UpdateAlertDestination", document.GetProperty("paths").GetProperty("/alerts/destinations/{id}").GetProperty("patch").GetProperty("operationId").GetString());
    }

    [Fact]
    public async Task Update_Disabled_NoticesGoDeadUnsent_EnabledAgainTheirRetryIsDelivered()
    {
        using var admin = fixture.Client(TestKeys.Admin);
        var id = await DestinationApi.CreateWebhookAsync(admin, "d-" + Guid.NewGuid().ToString("N")[..8]);
        using var disabled = await PatchAsync(admin, id, new { enabled = false });
        var notice = Notices.New();

        await fixture.EnqueueAsync(notice, id);
        var dead = await Eventually.GetAsync(
            () => admin.GetFromJsonAsync<JsonArray>($"/alerts/deliveries?status=dead&alert={notice.AlertId}"), list => list!.Count == 1, "the dead letter");
        using var enabled = await PatchAsync(admin, id, new { enabled = true });
        using var retried = await admin.PostAsync($"/alerts/deliveries/{dead![0]!["id"]}/retry", null);
        await Eventually.TrueAsync(() => Task.FromResult(fixture.Sender.Calls.Any(c => c.Notice.Id == notice.Id)), "the retried notice sent");

        Assert.False((bool)(await disabled.Content.ReadFromJsonAsync<JsonObject>())!["enabled"]!);
        Assert.Equal($"destination {id} is disabled", (string?)dead[0]!["lastError"]);
        Assert.True((bool)(await enabled.Content.ReadFromJsonAsync<JsonObject>())!["enabled"]!);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Single(fixture.Sender.Calls, c => c.Notice.Id == notice.Id);
    }

    private static Task<HttpResponseMessage> PatchAsync(HttpClient http, long id, object body) => http.PatchAsJsonAsync($"/alerts/destinations/{id}", body);

    private static async Task<long> CreateAsync(HttpClient admin, object body)
    {
        using var response = await admin.PostAsJsonAsync("/alerts/destinations", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (long)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }

    private async Task<DestinationRecord> StoredAsync(long id)
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Fleet.Api.Data.FleetDbContext>().AlertDestinations.AsNoTracking().SingleAsync(d => d.Id == id);
    }
}
