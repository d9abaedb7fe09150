using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Alerts.Rules;
using Fleet.Domain.Messages;

namespace Fleet.Api.SystemTests.Alerts;

/// <summary>The alert endpoints and the detector endpoints the scenarios use, as an operator calls them (admin key, JSON over HTTP).</summary>
internal sealed class AlertsApi(ApiProcess api)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<DestinationView> CreateDestinationAsync(object body, CancellationToken ct) =>
        await PostAsync<DestinationView>("/alerts/destinations", body, ct);

    public async Task<RuleView> CreateRuleAsync(object body, CancellationToken ct) => await PostAsync<RuleView>("/alerts/rules", body, ct);

    public async Task<JsonObject> CreateSilenceAsync(object body, CancellationToken ct) => await PostAsync<JsonObject>("/alerts/silences", body, ct);

    /// <summary>The rule's alerts, newest first.</summary>
    public async Task<List<AlertView>> AlertsAsync(long ruleId, CancellationToken ct)
    {
        using var http = api.CreateReader();
        return (await http.GetFromJsonAsync<List<AlertView>>($"/alerts?ruleId={ruleId}&limit=1000", Json, ct))!;
    }

    /// <summary>Every notice of the alert to every destination (GET /alerts/deliveries?alert=…).</summary>
    public async Task<List<DeliveryView>> DeliveriesAsync(long alertId, CancellationToken ct)
    {
        using var http = api.CreateReader();
        return (await http.GetFromJsonAsync<List<DeliveryView>>($"/alerts/deliveries?alert={alertId}&limit=500", Json, ct))!;
    }

    /// <summary>Every delivery in one status (pending, delivered, dead), up to 500.</summary>
    public async Task<List<DeliveryView>> DeliveriesAsync(string status, CancellationToken ct)
    {
        using var http = api.CreateReader();
        return (await http.GetFromJsonAsync<List<DeliveryView>>($"/alerts/deliveries?status={status}&limit=500", Json, ct))!;
    }

    public async Task<DeliveryDetailView> DeliveryAsync(long id, CancellationToken ct)
    {
        using var http = api.CreateReader();
        return (await http.GetFromJsonAsync<DeliveryDetailView>($"/alerts/deliveries/{id}", Json, ct))!;
    }

    /// <summary>The detector as GET /detectors/{id} shows it; null while it is unknown.</summary>
    public async Task<DetectorView?> DetectorAsync(string id, CancellationToken ct)
    {
        using var http = api.CreateReader();
        using var response = await http.GetAsync($"/detectors/{id}", ct);
        return response.StatusCode == HttpStatusCode.NotFound
            ? null
            : JsonSerializer.Deserialize(await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync(ct), FleetJsonContext.Default.DetectorView);
    }

    public async Task TagAsync(string id, string tag, CancellationToken ct)
    {
        using var http = api.CreateAdmin();
        using var response = await http.PatchAsJsonAsync($"/detectors/{id}", new JsonObject { ["tags"] = new JsonArray(tag) }, ct);
        Assert.True(response.IsSuccessStatusCode, $"PATCH /detectors/{id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    private async Task<T> PostAsync<T>(string path, object body, CancellationToken ct)
    {
        using var http = api.CreateAdmin();
        using var response = await http.PostAsJsonAsync(path, body, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<T>(text, Json)!;
    }
}
