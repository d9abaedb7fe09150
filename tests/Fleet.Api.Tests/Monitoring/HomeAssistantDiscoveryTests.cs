using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.EntityFrameworkCore;
using static Fleet.Api.Tests.Monitoring.HomeAssistantApi;

namespace Fleet.Api.Tests.Monitoring;

/// <summary>
/// Home Assistant MQTT discovery as Home Assistant sees it: a monitor subscribed to <c>homeassistant/#</c> on the
/// embedded broker; every config checked against the documented schema, and its templates rendered with Jinja2 over
/// the real retained payloads of the topics they name.
/// </summary>
public sealed class HomeAssistantDiscoveryTests : IAsyncLifetime
{
    private HomeAssistantApi _ha = null!;

    public async Task InitializeAsync() => _ha = await StartAsync(await MigratedDatabase.CreateAsync("homeassistant"), enabled: true);

    public async Task DisposeAsync() => await _ha.DisposeAsync();

    [Fact]
    public async Task Discovery_NewDetector_ConfigsMatchTheSchema_AndTheirTemplatesReadTheRetainedView()
    {
        await using var monitor = await _ha.ConnectMonitorAsync();
        await monitor.SubscribeAsync(Prefix + "/#");

        var id = await _ha.RegisterAsync("ha");

        var configs = await ConfigsAsync(monitor, id);
        Assert.Equal(
            [$"{Prefix}/binary_sensor/fleet_{id}/connectivity/config", $"{Prefix}/sensor/fleet_{id}/health/config", $"{Prefix}/sensor/fleet_{id}/reachability/config"],
            configs.Keys.Order(StringComparer.Ordinal));
        foreach (var (topic, config) in configs)
        {
            var component = HomeAssistantSchema.ComponentOf(Prefix, topic);
            Assert.NotNull(component);
            Assert.Empty(HomeAssistantSchema.Validate(component, config));
            var device = config["device"]!.AsObject();
            Assert.Equal($"fleet_{id}", Assert.Single(device["identifiers"]!.AsArray())!.GetValue<string>());
            Assert.Equal($"https://fleet.example.com/?detector={id}", device["configuration_url"]!.GetValue<string>());
            Assert.Equal($"fleet_{id}_{topic.Split('/')[3]}", config["unique_id"]!.GetValue<string>());
        }

        var connectivity = configs[$"{Prefix}/binary_sensor/fleet_{id}/connectivity/config"];
        Assert.Equal("connectivity", connectivity["device_class"]!.GetValue<string>());

        // Every topic a config names exists and is retained: a subscriber that comes later (Home Assistant) gets it.
        var named = configs.Values.SelectMany(NamedTopics).Distinct(StringComparer.Ordinal).ToList();
        Assert.Equal([FleetTopics.ApiStatus, FleetTopics.Registry(id)], named.Order(StringComparer.Ordinal));
        var retained = await RetainedAsync(named);

        var online = await RenderAllAsync(configs, retained);
        Assert.Equal("ON", online["connectivity"]);
        Assert.Equal(["online", "online"], [online["availability:" + FleetTopics.ApiStatus], online["availability:" + FleetTopics.Registry(id)]]);
        Assert.Contains(online["reachability"], new[] { "reachable", "degraded", "unreachable", "None" });
        Assert.Contains(online["health"], new[] { "ok", "warn", "fail", "None" });
        var attributes = JsonNode.Parse(online["attributes"])!.AsObject();
        Assert.Equal("online", attributes["status"]!.GetValue<string>());
        Assert.Equal("https://ab12cd34.ngrok-free.app", Assert.Single(attributes["urls"]!.AsArray())!.GetValue<string>());

        // The state follows presence through the same retained view (a detector's first ending wins: one each).
        foreach (var (presence, word) in new[] { (Presence.Offline, "offline"), (Presence.Lost, "lost") })
        {
            var other = await _ha.RegisterAsync("hp");
            var otherConfigs = await ConfigsAsync(monitor, other);
            await _ha.Api.WriteStatusAsync(other, Messages.Status(presence, 1));
            await _ha.PublishAsync(other, word);
            var states = await RetainedAsync(
                [FleetTopics.ApiStatus, FleetTopics.Registry(other)],
                payload => !payload.Contains("\"status\"", StringComparison.Ordinal) || payload.Contains($"\"status\":\"{word}\"", StringComparison.Ordinal));
            var rendered = await RenderAllAsync(otherConfigs, states);
            Assert.Equal(("OFF", "offline", "online"), (rendered["connectivity"], rendered["availability:" + FleetTopics.Registry(other)], rendered["availability:" + FleetTopics.ApiStatus]));
        }
    }

    [Fact]
    public async Task Discovery_Rename_RepublishesTheDevice_ARefreshWithoutChangePublishesNothing()
    {
        await using var monitor = await _ha.ConnectMonitorAsync();
        await monitor.SubscribeAsync(Prefix + "/#");
        await monitor.SubscribeAsync(FleetTopics.RegistryPrefix + "#");
        var id = await _ha.RegisterAsync("hr");
        await ConfigsAsync(monitor, id);
        await monitor.WaitForMessageAsync((t, _) => t == FleetTopics.Registry(id), Wait);

        // The same view again (what a heartbeat refresh publishes): the registry goes out, the configs do not. The
        // publisher works in order, so once a later detector's configs arrived, any for this one would have too.
        await _ha.PublishAsync(id, EventTypes.Online);
        await monitor.WaitForMessageAsync((t, _) => t == FleetTopics.Registry(id), Wait);
        await ConfigsAsync(monitor, await _ha.RegisterAsync("hm"));
        Assert.Equal(3, monitor.Received.Count(m => m.Topic.StartsWith(Prefix + "/", StringComparison.Ordinal) && m.Topic.Contains($"/fleet_{id}/", StringComparison.Ordinal)));

        using var admin = _ha.Api.CreateAdmin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/detectors/{id}", new { name = "Attic Pi" })).StatusCode);

        var renamed = await ConfigsAsync(monitor, id, c => c["device"]?["name"]?.GetValue<string>() == "Attic Pi");
        Assert.All(renamed.Values, c => Assert.Equal("Attic Pi", c["device"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Discovery_Decommission_RemovesTheRetainedConfigs()
    {
        await using var monitor = await _ha.ConnectMonitorAsync();
        await monitor.SubscribeAsync(Prefix + "/#");
        var id = await _ha.RegisterAsync("hd");
        var topics = (await ConfigsAsync(monitor, id)).Keys.ToList();
        await Eventually.TrueAsync(async () => await StoredConfigsAsync(id) == 3, "the broker retains the three configs");

        using var admin = _ha.Api.CreateAdmin();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/detectors/{id}")).StatusCode);

        foreach (var topic in topics)
        {
            await monitor.WaitForMessageAsync((t, p) => t == topic && p.Length == 0, Wait);
        }

        await Eventually.TrueAsync(async () => await StoredConfigsAsync(id) == 0, "the broker retains no config of the decommissioned detector");
    }

    private Task<int> StoredConfigsAsync(string id) =>
        _ha.Api.WithDbAsync(db => db.RetainedMessages.CountAsync(r => r.Topic.StartsWith(Prefix + "/") && r.Topic.Contains("/fleet_" + id + "/")));

    private static IEnumerable<string> NamedTopics(JsonObject config) =>
        new[] { config["state_topic"], config["json_attributes_topic"] }
            .Concat(config["availability"]!.AsArray().Select(a => a!["topic"]))
            .Where(t => t is not null)
            .Select(t => t!.GetValue<string>());

    /// <summary>The retained payload of each topic, as a new subscriber receives it (optionally: once it matches).</summary>
    private async Task<Dictionary<string, string>> RetainedAsync(IReadOnlyList<string> topics, Func<string, bool>? matches = null)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var topic in topics)
        {
            result[topic] = await Eventually.GetAsync(
                async () =>
                {
                    await using var late = await _ha.ConnectMonitorAsync();
                    await late.SubscribeAsync(topic);
                    return (await late.WaitForMessageAsync((t, _) => t == topic, Wait)).Payload;
                },
                payload => payload.Length > 0 && (matches is null || matches(payload)),
                $"the retained message of {topic}");
        }

        return result;
    }

    /// <summary>Every template of the configs rendered over the retained payload of the topic it reads.</summary>
    private static async Task<Dictionary<string, string>> RenderAllAsync(Dictionary<string, JsonObject> configs, Dictionary<string, string> retained)
    {
        var items = new List<(string Key, string Template, string Payload)>();
        foreach (var (topic, config) in configs)
        {
            var objectId = topic.Split('/')[3];
            items.Add((objectId, config["value_template"]!.GetValue<string>(), retained[config["state_topic"]!.GetValue<string>()]));
            if (config["json_attributes_template"] is { } attributes)
            {
                items.Add(("attributes", attributes.GetValue<string>(), retained[config["json_attributes_topic"]!.GetValue<string>()]));
            }

            foreach (var availability in config["availability"]!.AsArray().Select(a => a!.AsObject()))
            {
                var availabilityTopic = availability["topic"]!.GetValue<string>();
                items.Add(("availability:" + availabilityTopic, availability["value_template"]!.GetValue<string>(), retained[availabilityTopic]));
            }
        }

        var rendered = await JinjaTemplates.RenderAsync([.. items.Select(i => (i.Template, i.Payload))], CancellationToken.None);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            // The same availability template appears in several configs; each must render the same.
            Assert.True(!result.TryGetValue(items[i].Key, out var earlier) || earlier == rendered[i], $"{items[i].Key} renders differently across configs");
            result[items[i].Key] = rendered[i];
        }

        return result;
    }
}
