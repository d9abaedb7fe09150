using System.Reflection;
using System.Text.Json.Nodes;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;

namespace Fleet.Api.Monitoring.HomeAssistant;

/// <summary>
/// The Home Assistant MQTT discovery configs of one detector: one device (<c>fleet_{id}</c>) with a connectivity binary
/// sensor (on = online), a reachability sensor and a health sensor. They publish no state of their own: every entity
/// reads Fleet's retained registry view (<c>fleet/v1/registry/{id}</c>) through a value template, and is available while
/// the API says it is online (<c>fleet/v1/api/status</c>); reachability and health also only while the detector is
/// online, since what an offline detector last said is stale. Full key names, not the abbreviations.
/// </summary>
internal static class HomeAssistantConfigs
{
    public const string BinarySensor = "binary_sensor";
    public const string Sensor = "sensor";
    public const string Connectivity = "connectivity";
    public const string Reachability = "reachability";
    public const string Health = "health";

    /// <summary>Every entity of a detector: its component and object id (the last topic level before <c>config</c>).</summary>
    public static IReadOnlyList<(string Component, string ObjectId)> Entities { get; } =
        [(BinarySensor, Connectivity), (Sensor, Reachability), (Sensor, Health)];

    /// <summary>The states the enum sensors can take; anything else (unknown, not checked, no health) renders <c>None</c>, which Home Assistant shows as unknown.</summary>
    public static IReadOnlyList<string> ReachabilityOptions { get; } = [ReachabilityStates.Reachable, ReachabilityStates.Degraded, ReachabilityStates.Unreachable];

    public static IReadOnlyList<string> HealthOptions { get; } = HealthOutcomes.All;

    private const string ConnectivityTemplate = "{{ 'ON' if value_json.status == 'online' else 'OFF' }}";
    private const string DetectorAvailabilityTemplate = "{{ 'online' if value_json.status == 'online' else 'offline' }}";
    private const string ApiAvailabilityTemplate = "{{ value_json.state }}";
    private const string AttributesTemplate =
        "{{ {'status': value_json.status, 'status_since': value_json.statusSince, 'last_seen_at': value_json.lastSeenAt, " +
        "'urls': value_json.tunnels | map(attribute='url') | list} | tojson }}";

    private static readonly string? Version = typeof(HomeAssistantConfigs).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0];

    /// <summary><c>{prefix}/{component}/fleet_{id}/{object}/config</c>: Home Assistant's topic layout with the node id.</summary>
    public static string Topic(string prefix, string component, string detectorId, string objectId) =>
        $"{prefix}/{component}/{NodeId(detectorId)}/{objectId}/config";

    /// <summary>A detector id is lower-case letters, digits and '-', which Home Assistant's node ids allow as they are.</summary>
    public static string NodeId(string detectorId) => "fleet_" + detectorId;

    public static IEnumerable<string> Topics(string prefix, string detectorId) =>
        Entities.Select(e => Topic(prefix, e.Component, detectorId, e.ObjectId));

    public static IReadOnlyList<(string Topic, JsonObject Payload)> For(DetectorView view, HomeAssistantOptions options)
    {
        var registry = FleetTopics.Registry(view.Id);
        var connectivity = Entity(view, options, Connectivity, "Connectivity", registry, ConnectivityTemplate, detectorAvailability: false);
        connectivity["device_class"] = "connectivity";
        connectivity["payload_on"] = "ON";
        connectivity["payload_off"] = "OFF";
        connectivity["json_attributes_topic"] = registry;
        connectivity["json_attributes_template"] = AttributesTemplate;

        var reachability = Entity(view, options, Reachability, "Reachability", registry, EnumTemplate("reachability", "state", ReachabilityOptions), detectorAvailability: true);
        reachability["device_class"] = "enum";
        reachability["options"] = Strings(ReachabilityOptions);
        reachability["icon"] = "mdi:lan-connect";

        var health = Entity(view, options, Health, "Health", registry, EnumTemplate("health", "status", HealthOptions), detectorAvailability: true);
        health["device_class"] = "enum";
        health["options"] = Strings(HealthOptions);
        health["icon"] = "mdi:heart-pulse";

        return
        [
            (Topic(options.Prefix, BinarySensor, view.Id, Connectivity), connectivity),
            (Topic(options.Prefix, Sensor, view.Id, Reachability), reachability),
            (Topic(options.Prefix, Sensor, view.Id, Health), health),
        ];
    }

    /// <summary>
    /// <c>value_json.{section}.{field}</c> when it is one of <paramref name="allowed"/>, else <c>None</c>. <c>get</c>, not
    /// a dotted name, because the section may be absent (health from an agent without it), which Home Assistant would
    /// log as a template warning at every refresh.
    /// </summary>
    private static string EnumTemplate(string section, string field, IReadOnlyList<string> allowed) =>
        $"{{% set s = value_json.get('{section}') %}}{{{{ s.{field} if s and s.{field} in [{string.Join(", ", allowed.Select(a => $"'{a}'"))}] else 'None' }}}}";

    private static JsonObject Entity(
        DetectorView view, HomeAssistantOptions options, string objectId, string name, string stateTopic, string valueTemplate, bool detectorAvailability)
    {
        var availability = new JsonArray
        {
            new JsonObject
            {
                ["topic"] = FleetTopics.ApiStatus,
                ["value_template"] = ApiAvailabilityTemplate,
                ["payload_available"] = "online",
                ["payload_not_available"] = "offline",
            },
        };
        if (detectorAvailability)
        {
            availability.Add(new JsonObject
            {
                ["topic"] = stateTopic,
                ["value_template"] = DetectorAvailabilityTemplate,
                ["payload_available"] = "online",
                ["payload_not_available"] = "offline",
            });
        }

        return new JsonObject
        {
            ["name"] = name,
            ["unique_id"] = $"{NodeId(view.Id)}_{objectId}",
            ["state_topic"] = stateTopic,
            ["value_template"] = valueTemplate,
            ["availability"] = availability,
            ["availability_mode"] = "all",
            ["qos"] = 1,
            ["device"] = Device(view, options),
            ["origin"] = Origin(),
        };
    }

    private static JsonObject Device(DetectorView view, HomeAssistantOptions options)
    {
        var device = new JsonObject
        {
            ["identifiers"] = new JsonArray(NodeId(view.Id)),
            ["name"] = view.Name ?? view.Id,
            ["manufacturer"] = "Fleet",
            ["model"] = Model(view.Agent),
            ["serial_number"] = view.Id,
        };
        if (view.Agent?.Version is { Length: > 0 } version)
        {
            device["sw_version"] = version;
        }

        if (!string.IsNullOrEmpty(options.DetectorUrl))
        {
            device["configuration_url"] = options.DetectorUrl.Replace(HomeAssistantOptionsValidation.IdPlaceholder, Uri.EscapeDataString(view.Id), StringComparison.Ordinal);
        }

        return device;
    }

    /// <summary>What the agent says it runs on ("Debian GNU/Linux 12 (bookworm) arm64"), or a plain name before it said anything.</summary>
    private static string Model(AgentReport? agent)
    {
        var parts = new[] { agent?.Os, agent?.Arch }.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        return parts.Count > 0 ? string.Join(' ', parts) : "Fleet detector";
    }

    private static JsonObject Origin()
    {
        var origin = new JsonObject { ["name"] = "Fleet" };
        if (Version is not null)
        {
            origin["sw_version"] = Version;
        }

        return origin;
    }

    private static JsonArray Strings(IReadOnlyList<string> values) => [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
}
