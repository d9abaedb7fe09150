using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Alerts.Delivery;

/// <summary>DELETE /alerts/deliveries/{id}: an operator removes a dead letter (admin); anything not dead is refused.</summary>
public sealed class DeadLetterDeleteTests(DeliveryApiFixture fixture) : IClassFixture<DeliveryApiFixture>
{
    [Fact]
    public async Task DeleteDeadLetter_AsAdmin_GoneWithItsAttempts_ADeliveredOneIs409_AReaderIsRefused()
    {
        using var admin = fixture.Client(TestKeys.Admin);
        using var reader = fixture.Client(TestKeys.Reader);
        var destination = await DestinationApi.CreateWebhookAsync(admin, "gone-" + Guid.NewGuid().ToString("N")[..8]);
        var doomed = Notices.New();
        var fine = Notices.New();
        fixture.Sender.Then(DeliveryResult.Permanent("410 Gone", 410));
        await fixture.EnqueueAsync(doomed, destination);
        var dead = await Eventually.GetAsync(
            () => reader.GetFromJsonAsync<JsonArray>($"/alerts/deliveries?status=dead&alert={doomed.AlertId}"), list => list!.Count == 1, "the dead letter");
        await fixture.EnqueueAsync(fine, destination);
        var delivered = await Eventually.GetAsync(
            () => reader.GetFromJsonAsync<JsonArray>($"/alerts/deliveries?status=delivered&alert={fine.AlertId}"), list => list!.Count == 1, "the delivery");
        var deadId = (long)dead![0]!["id"]!;

        using var asReader = await reader.DeleteAsync($"/alerts/deliveries/{deadId}");
        using var notDead = await admin.DeleteAsync($"/alerts/deliveries/{delivered![0]!["id"]}");
        using var deleted = await admin.DeleteAsync($"/alerts/deliveries/{deadId}");
        using var gone = await reader.GetAsync($"/alerts/deliveries/{deadId}");
        using var again = await admin.DeleteAsync($"/alerts/deliveries/{deadId}");

        Assert.Equal(
            (HttpStatusCode.Forbidden, HttpStatusCode.Conflict, HttpStatusCode.NoContent, HttpStatusCode.NotFound, HttpStatusCode.NotFound),
            (asReader.StatusCode, notDead.StatusCode, deleted.StatusCode, gone.StatusCode, again.StatusCode));
        Assert.Equal("application/problem+json", notDead.Content.Headers.ContentType?.MediaType);
        Assert.Empty((await reader.GetFromJsonAsync<JsonArray>($"/alerts/deliveries?alert={doomed.AlertId}"))!);
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        Assert.Equal(0, await db.AlertDeliveryAttempts.CountAsync(a => a.DeliveryId == deadId));
        Assert.Equal(1, await db.AlertDeliveryAttempts.CountAsync(a => a.DeliveryId == (long)delivered[0]!["id"]!));
    }
}
