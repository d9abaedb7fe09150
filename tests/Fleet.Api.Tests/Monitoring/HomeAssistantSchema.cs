using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Fleet.Api.Tests.Monitoring;

/// <summary>
/// Home Assistant's documented MQTT discovery schema for what Fleet publishes (home-assistant.io: "MQTT", section
/// "MQTT Discovery", and the MQTT binary sensor and sensor pages): the topic layout, the keys each component knows (full
/// names), required keys and their types, the device and origin blocks, the availability list. Errors as sentences.
/// </summary>
internal static partial class HomeAssistantSchema
{
    private static readonly string[] CommonKeys =
    [
        "availability", "availability_mode", "availability_template", "availability_topic", "device", "device_class",
        "enabled_by_default", "encoding", "entity_category", "entity_picture", "expire_after", "force_update", "icon",
        "json_attributes_template", "json_attributes_topic", "name", "object_id", "default_entity_id", "origin",
        "payload_available", "payload_not_available", "platform", "qos", "state_topic", "unique_id", "value_template",
    ];

    private static readonly Dictionary<string, string[]> ComponentKeys = new(StringComparer.Ordinal)
    {
        ["binary_sensor"] = [.. CommonKeys, "off_delay", "payload_off", "payload_on"],
        ["sensor"] = [.. CommonKeys, "last_reset_value_template", "options", "state_class", "suggested_display_precision", "unit_of_measurement"],
    };

    private static readonly string[] BinarySensorClasses =
    [
        "battery", "battery_charging", "carbon_monoxide", "cold", "connectivity", "door", "garage_door", "gas", "heat", "light",
        "lock", "moisture", "motion", "moving", "occupancy", "opening", "plug", "power", "presence", "problem", "running",
        "safety", "smoke", "sound", "tamper", "update", "vibration", "window",
    ];

    private static readonly string[] DeviceKeys =
    [
        "configuration_url", "connections", "hw_version", "identifiers", "manufacturer", "model", "model_id", "name",
        "serial_number", "suggested_area", "sw_version", "via_device",
    ];

    private static readonly string[] OriginKeys = ["name", "sw_version", "support_url"];
    private static readonly string[] AvailabilityKeys = ["topic", "payload_available", "payload_not_available", "value_template"];

    /// <summary>The component of a config topic <c>{prefix}/{component}/[{node_id}/]{object_id}/config</c>, or null when it is not one.</summary>
    public static string? ComponentOf(string prefix, string topic)
    {
        if (!topic.StartsWith(prefix + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var match = TopicRegex().Match(topic[(prefix.Length + 1)..]);
        return match.Success ? match.Groups["component"].Value : null;
    }

    public static List<string> Validate(string component, JsonObject config)
    {
        var errors = new List<string>();
        if (!ComponentKeys.TryGetValue(component, out var known))
        {
            return [$"component '{component}' is not one Fleet publishes"];
        }

        errors.AddRange(config.Select(p => p.Key).Where(k => !known.Contains(k)).Select(k => $"'{k}' is not a documented {component} key (or an abbreviation)"));
        RequireString(config, "state_topic", errors, topic: true);
        RequireString(config, "unique_id", errors);
        RequireString(config, "name", errors);
        RequireString(config, "value_template", errors);
        OptionalString(config, "json_attributes_topic", errors, topic: true);
        OptionalString(config, "json_attributes_template", errors);
        OptionalString(config, "icon", errors);
        if (config["qos"] is { } qos && (qos.GetValueKind() != JsonValueKind.Number || qos.GetValue<int>() is < 0 or > 2))
        {
            errors.Add("qos must be 0, 1 or 2");
        }

        if (config["availability_mode"] is { } mode && mode.GetValue<string>() is not ("all" or "any" or "latest"))
        {
            errors.Add("availability_mode must be all, any or latest");
        }

        ValidateAvailability(config, errors);
        ValidateDevice(config, errors);
        ValidateOrigin(config, errors);
        var deviceClass = config["device_class"]?.GetValue<string>();
        if (component == "binary_sensor")
        {
            if (deviceClass is not null && !BinarySensorClasses.Contains(deviceClass))
            {
                errors.Add($"'{deviceClass}' is not a binary sensor device class");
            }

            OptionalString(config, "payload_on", errors);
            OptionalString(config, "payload_off", errors);
        }
        else if (deviceClass == "enum")
        {
            if (config["options"] is not JsonArray { Count: > 0 } options || options.Any(o => o?.GetValueKind() != JsonValueKind.String))
            {
                errors.Add("an enum sensor needs options, a non-empty list of strings");
            }

            if (config.ContainsKey("state_class") || config.ContainsKey("unit_of_measurement"))
            {
                errors.Add("an enum sensor takes neither state_class nor unit_of_measurement");
            }
        }

        return errors;
    }

    private static void ValidateAvailability(JsonObject config, List<string> errors)
    {
        if (config["availability"] is not { } availability)
        {
            return;
        }

        if (config.ContainsKey("availability_topic"))
        {
            errors.Add("availability must not be used together with availability_topic");
        }

        if (availability is not JsonArray { Count: > 0 } list || list.Any(a => a is not JsonObject))
        {
            errors.Add("availability must be a non-empty list of objects");
            return;
        }

        foreach (var item in list.Cast<JsonObject>())
        {
            errors.AddRange(item.Select(p => p.Key).Where(k => !AvailabilityKeys.Contains(k)).Select(k => $"availability: unknown key '{k}'"));
            RequireString(item, "topic", errors, topic: true);
            OptionalString(item, "payload_available", errors);
            OptionalString(item, "payload_not_available", errors);
            OptionalString(item, "value_template", errors);
        }
    }

    private static void ValidateDevice(JsonObject config, List<string> errors)
    {
        if (config["device"] is not JsonObject device)
        {
            errors.Add("device must be an object");
            return;
        }

        errors.AddRange(device.Select(p => p.Key).Where(k => !DeviceKeys.Contains(k)).Select(k => $"device: unknown key '{k}'"));
        if (device["identifiers"] is not JsonArray { Count: > 0 } ids || ids.Any(i => i?.GetValueKind() != JsonValueKind.String))
        {
            errors.Add("device.identifiers must be a non-empty list of strings");
        }

        foreach (var key in new[] { "name", "manufacturer", "model", "sw_version", "serial_number" })
        {
            OptionalString(device, key, errors);
        }

        if (device["configuration_url"] is { } url
            && !(Uri.TryCreate(url.GetValue<string>(), UriKind.Absolute, out var uri) && (uri.Scheme is "http" or "https" or "homeassistant")))
        {
            errors.Add("device.configuration_url must be an absolute http(s) or homeassistant:// URL");
        }
    }

    private static void ValidateOrigin(JsonObject config, List<string> errors)
    {
        if (config["origin"] is not JsonObject origin)
        {
            errors.Add("origin must be an object");
            return;
        }

        errors.AddRange(origin.Select(p => p.Key).Where(k => !OriginKeys.Contains(k)).Select(k => $"origin: unknown key '{k}'"));
        RequireString(origin, "name", errors);
        OptionalString(origin, "sw_version", errors);
    }

    private static void RequireString(JsonObject o, string key, List<string> errors, bool topic = false)
    {
        if (o[key] is null)
        {
            errors.Add($"'{key}' is required");
            return;
        }

        OptionalString(o, key, errors, topic);
    }

    private static void OptionalString(JsonObject o, string key, List<string> errors, bool topic = false)
    {
        if (o[key] is not { } value)
        {
            return;
        }

        if (value.GetValueKind() != JsonValueKind.String || value.GetValue<string>().Length == 0)
        {
            errors.Add($"'{key}' must be a non-empty string");
        }
        else if (topic && value.GetValue<string>().IndexOfAny(['+', '#']) >= 0)
        {
            errors.Add($"'{key}' must be a topic, not a filter");
        }
    }

    [GeneratedRegex("^(?<component>[a-z_]+)/(?:[a-zA-Z0-9_-]+/)?[a-zA-Z0-9_-]+/config$")]
    private static partial Regex TopicRegex();
}
