using System.Globalization;
using Fleet.Api.Mqtt;
using Fleet.Domain.Broker;

namespace Fleet.Api.Provisioning;

/// <summary>
/// Which broker endpoints a provisioned detector's agent.json lists, most preferred first. The rule: what the operator
/// wrote in <c>Provisioning:MqttEndpoints</c>; else, with the embedded broker's TLS listener on, mqtts to it; else, with
/// <c>Provisioning:UseTls</c>, mqtts to the configured port; else plain MQTT, which only a trusted network should carry,
/// so that answer comes with a warning.
/// </summary>
internal static class AgentBrokerEndpoints
{
    public const string Key = $"{ProvisioningOptions.Section}:{nameof(ProvisioningOptions.MqttEndpoints)}";

    public const string PlainTextWarning =
        "The agent configuration uses plain MQTT: its password would cross the network readable. Set " + Key +
        " (e.g. mqtts://broker.example.org:8883 and wss://fleet.example.org/mqtt), or Provisioning:UseTls=true.";

    public static IReadOnlyList<MqttEndpoint> For(ProvisioningOptions options, MqttOptions mqtt, int? embeddedTlsPort, string host)
    {
        if (options.MqttEndpoints.Count > 0)
        {
            return [.. options.MqttEndpoints.Select(Parse)];
        }

        var embedded = mqtt.Mode == MqttMode.Embedded;
        if (embedded && embeddedTlsPort is { } tlsPort && options.BrokerPort is null)
        {
            return [new MqttEndpoint(MqttTransport.Tls, host, tlsPort, string.Empty)];
        }

        var port = options.BrokerPort ?? (options.UseTls ? BrokerTransports.DefaultTlsPort : embedded ? mqtt.Embedded.Port : 1883);
        return [new MqttEndpoint(options.UseTls ? MqttTransport.Tls : MqttTransport.Tcp, host, port, string.Empty)];
    }

    /// <summary>Null when every configured entry is an endpoint an agent accepts, otherwise the first error.</summary>
    public static string? Validate(ProvisioningOptions options)
    {
        foreach (var (text, index) in options.MqttEndpoints.Select((t, i) => (t, i)))
        {
            if (!MqttEndpoint.TryParse(text, $"{Key}:{index.ToString(CultureInfo.InvariantCulture)}", out _, out var error))
            {
                return error;
            }
        }

        return null;
    }

    private static MqttEndpoint Parse(string text) =>
        MqttEndpoint.TryParse(text, Key, out var endpoint, out var error) ? endpoint : throw new InvalidOperationException(error);
}
