using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Monitoring.HomeAssistant;

/// <summary>Home Assistant MQTT discovery (section <c>Monitoring:HomeAssistant</c>), off unless enabled.</summary>
public sealed class HomeAssistantOptions
{
    public const string Section = "Monitoring:HomeAssistant";

    /// <summary>Publishes a Home Assistant device per detector (retained config topics below <see cref="Prefix"/>).</summary>
    public bool Enabled { get; set; }

    /// <summary>Home Assistant's discovery prefix (its MQTT integration's setting; <c>homeassistant</c> unless changed there).</summary>
    [RegularExpression("^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$",
        ErrorMessage = "Monitoring:HomeAssistant:Prefix must be MQTT topic levels of letters, digits, '_' and '-' separated by '/' (no wildcards, no leading or trailing '/'), such as homeassistant.")]
    public string Prefix { get; set; } = "homeassistant";

    /// <summary>
    /// The dashboard's page for one detector, with <c>{id}</c> where its id goes (e.g.
    /// <c>https://fleet.example.com/?detector={id}</c>): the device's "Visit" link in Home Assistant. Empty: no link (the
    /// API does not know the address browsers reach it at).
    /// </summary>
    public string? DetectorUrl { get; set; }

    /// <summary>
    /// Config messages per second at most while publishing every detector's config at start (three per detector), so
    /// a large fleet does not flood the broker and Home Assistant; changes after that are published as they come.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "Monitoring:HomeAssistant:StartupRate must be between 1 and 100000 (config messages per second).")]
    public int StartupRate { get; set; } = 300;
}
