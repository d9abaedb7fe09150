using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Mqtt;

public sealed class EmbeddedBrokerOptions
{
    /// <summary>Port of the in-process broker; detectors connect here.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>Address to listen on; "0.0.0.0" so detectors on the network can reach it.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Read-only identities for monitoring tools (Home Assistant, Node-RED, mosquitto_sub).</summary>
    public List<BrokerAccount> Monitors { get; set; } = [];
}
