using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Provisioning;

/// <summary>What a provisioned detector is told about the broker, and where Mosquitto's password file lives.</summary>
public sealed class ProvisioningOptions
{
    public const string Section = "Provisioning";

    /// <summary>
    /// The broker host detectors connect to. Unset: the provisioning request's Host only when AllowedHosts restricts it
    /// or it is loopback, otherwise provisioning over HTTP is refused (see BrokerHostChoice); the CLI uses this machine's name.
    /// </summary>
    public string? BrokerHost { get; set; }

    /// <summary>Defaults to the embedded broker's port, or 1883 with an external broker.</summary>
    [Range(1, 65535)]
    public int? BrokerPort { get; set; }

    /// <summary>Whether detectors connect with TLS (Mosquitto's 8883 listener). Default false.</summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// The broker endpoints a provisioned agent tries in order, in the agent's own form (<c>mqtts://host:8883</c>,
    /// <c>wss://host/mqtt</c>); when set, they replace BrokerHost/BrokerPort/UseTls in the printed configuration.
    /// </summary>
    public List<string> MqttEndpoints { get; set; } = [];

    /// <summary>
    /// A Mosquitto password file that provisioning keeps in step: each provisioning writes the detector's line
    /// (PBKDF2-SHA512, Mosquitto's own format), each revocation removes it. Reload Mosquitto afterwards (SIGHUP).
    /// </summary>
    public string? MosquittoPasswordFile { get; set; }
}
