using System.Text.Json.Nodes;
using Fleet.Api.Auth;
using Fleet.Api.Ingest;
using Fleet.Domain.Messages;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Monitoring;

/// <summary>An API on the embedded broker with a monitor account (as Home Assistant logs in), discovery on or off.</summary>
internal sealed class HomeAssistantApi(FleetApiFactory api, string monitorPassword) : IAsyncDisposable
{
    public const string Prefix = "homeassistant";
    public const string DetectorUrl = "https://fleet.example.com/?detector={id}";
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    public FleetApiFactory Api => api;

    public static async Task<HomeAssistantApi> StartAsync(string connectionString, bool enabled)
    {
        var password = SecretHash.NewSecret();
        var extra = new Dictionary<string, string?>
        {
            ["Mqtt:Embedded:Monitors:0:Username"] = "monitor",
            ["Mqtt:Embedded:Monitors:0:Password"] = password,
        };
        if (enabled)
        {
            extra["Monitoring:HomeAssistant:Enabled"] = "true";
            extra["Monitoring:HomeAssistant:Prefix"] = Prefix;
            extra["Monitoring:HomeAssistant:DetectorUrl"] = DetectorUrl;
        }

        var api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded()) { Extra = extra });
        return new HomeAssistantApi(api, password);
    }

    public Task<MqttTestClient> ConnectMonitorAsync() =>
        MqttTestClient.ConnectAsync(api.Settings.Broker.Host, api.Settings.Broker.Port, "monitor", monitorPassword, clientId: $"monitor-{Guid.NewGuid():N}");

    /// <summary>A new detector (its first state) whose registry view the monitoring publisher has published.</summary>
    public async Task<string> RegisterAsync(string prefix)
    {
        var id = Messages.NewId(prefix);
        await api.WriteStateAsync(Messages.State(id, 1, 0));
        await PublishAsync(id, EventTypes.Registered);
        return id;
    }

    public async Task PublishAsync(string id, string eventType)
    {
        var sink = api.Services.GetRequiredService<IEventSink>();
        await sink.PublishAsync(id, [new FleetEvent { Type = eventType, DetectorId = id, At = DateTimeOffset.UtcNow }], CancellationToken.None);
    }

    /// <summary>The detector's three configs as the monitor receives them (the newest of each topic), by topic.</summary>
    public static async Task<Dictionary<string, JsonObject>> ConfigsAsync(MqttTestClient monitor, string id, Func<JsonObject, bool>? until = null)
    {
        var configs = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        while (configs.Count < 3 || (until is not null && !configs.Values.Any(until)))
        {
            var (topic, payload) = await monitor.WaitForMessageAsync(
                (t, p) => t.StartsWith(Prefix + "/", StringComparison.Ordinal) && t.Contains($"/fleet_{id}/", StringComparison.Ordinal) && p.Length > 0, Wait);
            configs[topic] = JsonNode.Parse(payload)!.AsObject();
        }

        return configs;
    }

    public ValueTask DisposeAsync() => api.DisposeAsync();
}
