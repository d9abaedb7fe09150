namespace Fleet.Api.Monitoring.HomeAssistant;

/// <summary>Home Assistant MQTT discovery (section <c>Monitoring:HomeAssistant</c>), off unless enabled; checked by <see cref="HomeAssistantOptionsValidation"/>.</summary>
public sealed class HomeAssistantOptions
{
    public const string Section = "Monitoring:HomeAssistant";

    /// <summary>Publishes a Home Assistant device per detector (retained config topics below <see cref="Prefix"/>).</summary>
    public bool Enabled { get; set; }

    /// <summary>Home Assistant's discovery prefix (its MQTT integration's setting; <c>homeassistant</c> unless changed there).</summary>
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
    public int StartupRate { get; set; } = 300;
}
