using Fleet.Domain.Broker;
namespace Fleet.Agent.Configuration;

/// <summary>The rules between the endpoints and what applies to them (CA file, pins, proxy); every message names the key.</summary>
internal static class MqttEndpointsValidator
{
    public static void Validate(MqttSettings mqtt, List<string> errors)
    {
        List<MqttEndpoint> endpoints = [];
        foreach (var text in mqtt.Endpoints)
        {
            if (MqttEndpoint.TryParse(text, MqttEndpoints.Key, out var endpoint, out var error))
            {
                endpoints.Add(endpoint);
            }
            else
            {
                errors.Add(error);
            }
        }

        if (mqtt.Endpoints.Count == 0)
        {
            endpoints.AddRange(MqttEndpoints.From(mqtt));
        }

        var anyTls = endpoints.Any(e => e.UseTls);
        var tlsHint = mqtt.Endpoints.Count == 0
            ? "set Agent:Mqtt:UseTls to true (and the broker's TLS port, usually 8883)"
            : "add an mqtts:// or wss:// endpoint to Agent:Mqtt:Endpoints";
        if (!string.IsNullOrEmpty(mqtt.CaFile))
        {
            if (!anyTls)
            {
                errors.Add($"Agent:Mqtt:CaFile is set but no endpoint uses TLS: {tlsHint}.");
            }
            else
            {
                try
                {
                    Publishing.MqttTls.LoadCertificates(mqtt.CaFile);
                }
                catch (InvalidDataException ex)
                {
                    errors.Add($"Agent:Mqtt:CaFile: {ex.Message}");
                }
            }
        }

        var pins = MqttPins.Parse(mqtt.PinSha256, errors);
        if (pins.Count > 0 && !anyTls)
        {
            errors.Add($"Agent:Mqtt:PinSha256 is set but no endpoint uses TLS: {tlsHint}.");
        }

        if (MqttProxy.Parse(mqtt.Proxy, errors) is not null && !endpoints.Any(e => e.IsWebSocket))
        {
            errors.Add("Agent:Mqtt:Proxy applies to ws:// and wss:// endpoints only: add a wss:// endpoint to Agent:Mqtt:Endpoints, or remove Proxy.");
        }
    }
}
