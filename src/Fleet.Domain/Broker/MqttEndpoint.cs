namespace Fleet.Domain.Broker;

/// <summary>How an agent reaches the broker: the scheme of an <c>Agent:Mqtt:Endpoints</c> entry.</summary>
public enum MqttTransport
{
    /// <summary><c>mqtt://</c>: plain MQTT over TCP (a trusted network only; the password crosses it in clear).</summary>
    Tcp,

    /// <summary><c>mqtts://</c>: MQTT over TLS, usually port 8883.</summary>
    Tls,

    /// <summary><c>ws://</c>: MQTT over a WebSocket without TLS (through a proxy on a trusted network only).</summary>
    WebSocket,

    /// <summary><c>wss://</c>: MQTT over a WebSocket over TLS, usually port 443: gets through networks that allow only HTTPS.</summary>
    SecureWebSocket,
}

/// <summary>
/// One broker address as agents are configured with it (<c>Agent:Mqtt:Endpoints</c>: <c>mqtts://broker.example.org:8883</c>,
/// <c>wss://fleet.example.org/mqtt</c>). In the shared contract because the API writes these for the agents it
/// provisions (<c>Provisioning:MqttEndpoints</c>) and the agent reads them: one syntax, one parser.
/// </summary>
public sealed record MqttEndpoint(MqttTransport Transport, string Host, int Port, string Path)
{
    private const string Schemes = "mqtts://host:8883, wss://host/mqtt, mqtt://host:1883 or ws://host/mqtt";

    public bool UseTls => Transport is MqttTransport.Tls or MqttTransport.SecureWebSocket;

    public bool IsWebSocket => Transport is MqttTransport.WebSocket or MqttTransport.SecureWebSocket;

    public string Scheme => Transport switch
    {
        MqttTransport.Tcp => "mqtt",
        MqttTransport.Tls => "mqtts",
        MqttTransport.WebSocket => "ws",
        _ => "wss",
    };

    /// <summary>The address as a URI (for a WebSocket, the one its client opens), without any credential.</summary>
    public string Address => $"{Scheme}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}{Path}";

    /// <summary>Parses one entry; the error names the key and says what a valid entry looks like.</summary>
    public static bool TryParse(string? text, string key, out MqttEndpoint endpoint, out string error)
    {
        endpoint = null!;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            error = $"{key}: '{text}' is not a URI; write {Schemes}.";
            return false;
        }

        MqttTransport? transport = uri.Scheme switch
        {
            "mqtt" or "tcp" => MqttTransport.Tcp,
            "mqtts" or "ssl" or "tls" => MqttTransport.Tls,
            "ws" => MqttTransport.WebSocket,
            "wss" => MqttTransport.SecureWebSocket,
            _ => null,
        };
        if (transport is not { } known)
        {
            error = $"{key}: '{uri.Scheme}://' is not a transport; write {Schemes}.";
            return false;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            // Reported without the text: it may hold a password.
            error = $"{key}: an endpoint for {uri.Host} carries a user name or password; remove it (the password belongs in Agent:Mqtt:PasswordFile).";
            return false;
        }

        var webSocket = known is MqttTransport.WebSocket or MqttTransport.SecureWebSocket;
        if (!webSocket && (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query)))
        {
            error = $"{key}: '{text}' has a path, which only ws:// and wss:// endpoints have; write {uri.Scheme}://{uri.Authority}.";
            return false;
        }

        var port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort(known) : uri.Port;
        endpoint = new MqttEndpoint(known, uri.DnsSafeHost, port, webSocket ? uri.PathAndQuery : string.Empty);
        return true;
    }

    public override string ToString() => Address;

    private static int DefaultPort(MqttTransport transport) => transport switch
    {
        MqttTransport.Tcp => 1883,
        MqttTransport.Tls => 8883,
        MqttTransport.WebSocket => 80,
        _ => 443,
    };
}
