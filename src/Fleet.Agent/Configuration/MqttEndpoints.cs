using Fleet.Domain.Broker;

namespace Fleet.Agent.Configuration;

/// <summary>The agent's broker endpoints in the order they are tried.</summary>
public static class MqttEndpoints
{
    public const string Key = "Agent:Mqtt:Endpoints";

    /// <summary><c>Endpoints</c>, or the one endpoint the older <c>Host</c>/<c>Port</c>/<c>UseTls</c> settings name.</summary>
    public static IReadOnlyList<MqttEndpoint> From(MqttSettings settings)
    {
        if (settings.Endpoints.Count == 0)
        {
            return [new MqttEndpoint(settings.UseTls ? MqttTransport.Tls : MqttTransport.Tcp, settings.Host, settings.Port, string.Empty)];
        }

        return [.. settings.Endpoints.Select(e => MqttEndpoint.TryParse(e, Key, out var endpoint, out var error) ? endpoint : throw new InvalidOperationException(error))];
    }
}
