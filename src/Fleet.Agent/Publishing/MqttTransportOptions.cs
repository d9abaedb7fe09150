using Fleet.Agent.Configuration;
using Fleet.Domain.Broker;
using MQTTnet;

namespace Fleet.Agent.Publishing;

/// <summary>Points an MQTTnet client at one endpoint: TCP or WebSocket, TLS as <see cref="MqttTls"/> judges it, the proxy for WebSockets.</summary>
internal static class MqttTransportOptions
{
    public static MqttClientOptionsBuilder Apply(MqttClientOptionsBuilder builder, MqttEndpoint endpoint, MqttSettings mqtt, MqttTls tls)
    {
        builder = endpoint.IsWebSocket
            ? builder.WithWebSocketServer(ws =>
            {
                ws.WithUri(endpoint.Address);
                if (MqttProxy.Parse(mqtt.Proxy) is { } proxy)
                {
                    // An address of null (NO_PROXY names the host) makes MQTTnet connect directly; no proxy options at
                    // all leave .NET's default, which reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY.
                    ws.WithProxyOptions(p => p
                        .WithAddress(MqttProxy.Bypassed(endpoint.Host) ? null! : proxy.Address.ToString())
                        .WithUsername(proxy.Username!)
                        .WithPassword(proxy.Password!));
                }
            })
            : builder.WithTcpServer(endpoint.Host, endpoint.Port);
        return builder.WithTlsOptions(tls.For(endpoint));
    }
}
