using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Fleet.Api.Tests.Alerts.Delivery;

internal static class DestinationApi
{
    public static async Task<long> CreateWebhookAsync(HttpClient admin, string name)
    {
        using var response = await admin.PostAsJsonAsync("/alerts/destinations", new { type = "webhook", name, url = "https://hooks.example.com/fleet" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (long)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }
}
