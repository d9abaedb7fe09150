using Fleet.Agent.Configuration;
using Fleet.Agent.Publishing;
using Fleet.Domain.Broker;
using MQTTnet;

namespace Fleet.Agent.Commands;

/// <summary>What `check` says for each way a connection to the broker fails: what happened, then what to change.</summary>
internal static class BrokerAdvice
{
    private const string Port443 = "add a wss://<server>/mqtt endpoint (port 443) to Agent:Mqtt:Endpoints, which networks that allow only HTTPS let through";

    public static string Refusal(MqttClientConnectResultCode code, string user) => code switch
    {
        MqttClientConnectResultCode.BadUserNameOrPassword =>
            $"the broker refused the login as '{user}': bad user name or password (0x86): put the password provisioned for this detector in Agent:Mqtt:PasswordFile (Agent:Mqtt:Username defaults to the detector id)",
        MqttClientConnectResultCode.NotAuthorized =>
            $"the broker refused the login as '{user}': not authorized (0x87): Mosquitto answers a wrong password this way, so check that Agent:Mqtt:PasswordFile holds the password provisioned for this detector; otherwise this identity may not connect (a disabled detector, or Agent:Mqtt:ClientId set to an id it may not use)",
        MqttClientConnectResultCode.ClientIdentifierNotValid =>
            "the broker refused the client id (0x85): remove Agent:Mqtt:ClientId so the detector id is used",
        _ => $"the broker refused the login: {code}",
    };

    public static string Failure(ConnectFailureKind kind, string detail, MqttEndpoint endpoint, MqttSettings mqtt) => kind switch
    {
        ConnectFailureKind.Refused =>
            $"nothing accepts connections on {endpoint.Host}:{endpoint.Port} (connection refused): the broker is down, the port is wrong, or a firewall rejects it; check the port in Agent:Mqtt:Endpoints",
        ConnectFailureKind.TimedOut =>
            $"no answer from {endpoint.Host}:{endpoint.Port} within {mqtt.ConnectTimeout} (connect timeout): this network probably blocks port {endpoint.Port}; {Port443}",
        ConnectFailureKind.NameNotResolved =>
            $"the name {endpoint.Host} does not resolve ({detail}): check the host in Agent:Mqtt:Endpoints and the Pi's DNS",
        ConnectFailureKind.Unreachable =>
            $"no route to {endpoint.Host} ({detail}): is the Pi on a network? Some networks only let a proxy out: set Agent:Mqtt:Proxy (or HTTPS_PROXY) with a wss:// endpoint",
        ConnectFailureKind.ProxyAuthentication => MqttProxy.Parse(mqtt.Proxy) is { Username: not null } proxy
            ? $"the proxy {proxy.Display} refused the user name or password in Agent:Mqtt:Proxy (407 Proxy Authentication Required): correct them"
            : $"the proxy {ProxyName(mqtt)} asks for credentials (407 Proxy Authentication Required): write them into Agent:Mqtt:Proxy as http://user:password@host:port",
        ConnectFailureKind.ProxyRefused =>
            $"the proxy {ProxyName(mqtt)} refused to open a tunnel to {endpoint.Host}:{endpoint.Port} ({detail}): many proxies allow only port 443; use a wss:// endpoint on port 443, or ask the proxy's administrator to allow this one",
        ConnectFailureKind.ProxyUnreachable =>
            $"cannot reach the proxy {ProxyName(mqtt)} ({detail}): check Agent:Mqtt:Proxy (or HTTPS_PROXY), or set NO_PROXY={endpoint.Host} if this network needs none",
        ConnectFailureKind.Certificate => detail,
        ConnectFailureKind.TlsHandshake => $"the TLS handshake with {endpoint.Host}:{endpoint.Port} failed ({detail})",
        ConnectFailureKind.ClosedWithoutAnswer => $"{endpoint.Host}:{endpoint.Port} closed the connection without an MQTT answer ({detail}): is it the broker's MQTT port?",
        _ => $"cannot reach it: {detail}",
    };

    /// <summary>TLS was tried against a port that answers plain MQTT.</summary>
    public static string PlainListener(MqttEndpoint endpoint, string detail) =>
        $"{endpoint.Host}:{endpoint.Port} speaks plain MQTT, not TLS (the TLS handshake failed: {detail}): use the broker's TLS port (usually 8883) in the {endpoint.Scheme}:// endpoint; {(endpoint.IsWebSocket ? "ws" : "mqtt")}:// only on a trusted network, since the password would cross it in clear";

    /// <summary>Plain MQTT was tried against a port that completes a TLS handshake.</summary>
    public static string TlsListener(MqttEndpoint endpoint) =>
        $"{endpoint.Host}:{endpoint.Port} is a TLS listener and got plain text: write {(endpoint.IsWebSocket ? "wss" : "mqtts")}://{endpoint.Host}:{endpoint.Port}{endpoint.Path} in Agent:Mqtt:Endpoints";

    /// <summary>The TCP connection opens but no MQTT answer comes.</summary>
    public static string SilentListener(MqttEndpoint endpoint, TimeSpan timeout) =>
        $"{endpoint.Host}:{endpoint.Port} accepts connections but sent no MQTT answer within {timeout}: is it the broker's MQTT port? (a TLS listener expects mqtts://)";

    private static string ProxyName(MqttSettings mqtt) =>
        MqttProxy.Parse(mqtt.Proxy)?.Display ?? "from HTTPS_PROXY";
}
