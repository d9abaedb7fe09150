using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Fleet.Api.Alerts.Delivery;

namespace Fleet.Api.Tests.Alerts.Delivery;

/// <summary>Deliveries over REST on the running API: woken by the commit, the dead-letter list and its retry, the attempt history.</summary>
public sealed class DeliveryApiTests(DeliveryApiFixture fixture) : IClassFixture<DeliveryApiFixture>
{
    [Fact]
    public async Task NoticeEnqueuedInACommittedTransaction_IsDeliveredByTheWorkerWithoutWaitingForItsPoll()
    {
        using var admin = fixture.Client(TestKeys.Admin);
        var destination = await DestinationApi.CreateWebhookAsync(admin, "commit-" + Guid.NewGuid().ToString("N")[..8]);
        var notice = Notices.New();

        await fixture.EnqueueAsync(notice, destination);
        var delivered = await Eventually.GetAsync(
            () => ListAsync(admin, $"/alerts/deliveries?alert={notice.AlertId}"),
            list => list.Count == 1 && (string?)list[0]!["status"] == DeliveryStatuses.Delivered,
            "the notice delivered");

        Assert.Equal(1, (int)delivered[0]!["attempts"]!);
        Assert.Single(fixture.Sender.Calls, c => c.Notice.Id == notice.Id);
    }

    [Fact]
    public async Task PermanentRefusal_IsADeadLetter_RetriedOverRest_ThenDeliveredWithBothAttemptsInItsHistoryAndMetrics()
    {
        using var admin = fixture.Client(TestKeys.Admin);
        using var reader = fixture.Client(TestKeys.Reader);
        var destination = await DestinationApi.CreateWebhookAsync(admin, "dead-" + Guid.NewGuid().ToString("N")[..8]);
        var notice = Notices.New();
        fixture.Sender.Then(DeliveryResult.Permanent("410 Gone", 410));

        await fixture.EnqueueAsync(notice, destination);
        var dead = await Eventually.GetAsync(
            () => ListAsync(reader, $"/alerts/deliveries?status=dead&alert={notice.AlertId}"), list => list.Count == 1, "the dead letter listed");
        var id = (long)dead[0]!["id"]!;
        using var forbidden = await reader.PostAsync($"/alerts/deliveries/{id}/retry", null);
        using var retried = await admin.PostAsync($"/alerts/deliveries/{id}/retry", null);
        await Eventually.TrueAsync(
            async () => (string?)(await reader.GetFromJsonAsync<JsonObject>($"/alerts/deliveries/{id}"))!["delivery"]!["status"] == DeliveryStatuses.Delivered,
            "the retried delivery delivered");
        using var again = await admin.PostAsync($"/alerts/deliveries/{id}/retry", null);
        var detail = (await reader.GetFromJsonAsync<JsonObject>($"/alerts/deliveries/{id}"))!;

        Assert.Equal("410 Gone", (string?)dead[0]!["lastError"]);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(notice.Id, (string?)detail["notice"]!["id"]);
        var attempts = detail["attemptHistory"]!.AsArray();
        Assert.Equal(["permanent", "delivered"], attempts.Select(a => (string?)a!["outcome"]));
        Assert.Equal([410, 200], attempts.Select(a => (int?)a!["status"]));

        var samples = await Eventually.GetAsync(
            async () => PrometheusText.Parse(await reader.GetStringAsync("/metrics")),
            s => s.Sum("fleet_alerts_delivery_attempts_total", ("type", "webhook"), ("outcome", "permanent")) >= 1,
            "the scrape shows the delivery attempts");
        Assert.True(samples.Sum("fleet_alerts_delivery_attempts_total", ("type", "webhook"), ("outcome", "delivered")) >= 1);
        Assert.True(samples.Sum("fleet_alerts_delivery_dead_letters_total", ("type", "webhook")) >= 1);
        Assert.True(samples.Sum("fleet_alerts_delivery_latency_seconds_count", ("type", "webhook")) >= 1);
        Assert.NotEmpty(samples.Named("fleet_alerts_delivery_pending"));
    }

    [Theory]
    [InlineData("/alerts/deliveries?status=lost")]
    [InlineData("/alerts/deliveries?limit=0")]
    [InlineData("/alerts/deliveries?after=x")]
    [InlineData("/alerts/deliveries?alert=abc")]
    [InlineData("/alerts/deliveries/abc")]
    public async Task BadQuery_IsAProblem400(string url)
    {
        using var reader = fixture.Client(TestKeys.Reader);

        using var response = await reader.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UnknownDelivery_Is404Problem()
    {
        using var reader = fixture.Client(TestKeys.Reader);

        using var response = await reader.GetAsync("/alerts/deliveries/987654321");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<JsonArray> ListAsync(HttpClient client, string url) =>
        (await client.GetFromJsonAsync<JsonArray>(url))!;
}
