using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Alerts.Rules;
using Fleet.Api.PresenceSweep;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Alerts.Rules;

/// <summary>
/// The API in process on a fake clock with a recording outbox, and the steps the alert scenarios share: rules over
/// REST, detectors over MQTT (embedded broker), evaluation passes and the fired alerts.
/// </summary>
internal sealed class AlertRulesHarness(FleetApiFactory api, FakeTimeProvider clock, RecordingAlertOutbox outbox) : IAsyncDisposable
{
    public FleetApiFactory Api => api;

    public FakeTimeProvider Clock => clock;

    public RecordingAlertOutbox Outbox => outbox;

    public static async Task<AlertRulesHarness> StartAsync(FleetApiSettings settings, FakeTimeProvider clock, RecordingAlertOutbox? outbox = null)
    {
        outbox ??= new RecordingAlertOutbox();
        var api = await FleetApiFactory.StartAsync(settings with
        {
            Clock = clock,
            Services = services => services.RemoveAll<IAlertOutbox>().AddSingleton<IAlertOutbox>(outbox),
        });
        return new AlertRulesHarness(api, clock, outbox);
    }

    public async Task<RuleView> CreateRuleAsync(object rule)
    {
        using var http = api.CreateAdmin();
        var response = await http.PostAsJsonAsync("/alerts/rules", rule);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<RuleView>())!;
    }

    public async Task<List<AlertView>> AlertsAsync()
    {
        using var http = api.CreateReader();
        return (await http.GetFromJsonAsync<List<AlertView>>("/alerts?limit=1000"))!;
    }

    public Task<int> EvaluateAsync() => api.Services.GetRequiredService<AlertEvaluator>().EvaluateOnceAsync(CancellationToken.None);

    public Task<IReadOnlyList<string>> SweepAsync() => api.Services.GetRequiredService<PresenceSweeper>().SweepOnceAsync(CancellationToken.None);

    public async Task<MqttTestClient> ConnectAsync(string id) =>
        await MqttTestClient.ConnectAsync(api.Settings.Broker.Host, api.Settings.Broker.Port, id, await api.ProvisionEmbeddedDetectorAsync(id));

    /// <summary>Publishes on the detector's own topic and waits until the API has decided about it (and so committed its events).</summary>
    public async Task PublishAsync(MqttTestClient pi, object message)
    {
        var metrics = api.Metrics;
        long Decided() => metrics.AppliedTotal + metrics.StaleTotal + metrics.RejectedTotal + metrics.IgnoredTotal;
        var before = Decided();
        var (topic, json) = message switch
        {
            StateMessage state => (FleetTopics.State(state.DetectorId), Messages.Json(state)),
            StatusMessage status => (FleetTopics.Status(pi.ClientId), Messages.Json(status)),
            _ => throw new ArgumentException("a state or a status", nameof(message)),
        };
        var result = await pi.PublishAsync(topic, json);
        Assert.True(result.IsSuccess, $"PUBACK {result.ReasonCode}");
        await Eventually.TrueAsync(() => Task.FromResult(Decided() > before), $"the API decided about {json}");
    }

    /// <summary>A detector online over MQTT at epoch 1, tagged through the REST API.</summary>
    public async Task<MqttTestClient> OnlineTaggedAsync(string id, params string[] tags)
    {
        var pi = await ConnectAsync(id);
        await PublishAsync(pi, Messages.Status(Presence.Online, 1));
        await PublishAsync(pi, Messages.State(id, 1, 0));
        await TagAsync(id, tags);
        return pi;
    }

    public async Task TagAsync(string id, params string[] tags)
    {
        using var http = api.CreateAdmin();
        var response = await http.PatchAsJsonAsync($"/detectors/{id}", new JsonObject { ["tags"] = new JsonArray([.. tags.Select(t => JsonValue.Create(t))]) });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public ValueTask DisposeAsync() => api.DisposeAsync();
}
