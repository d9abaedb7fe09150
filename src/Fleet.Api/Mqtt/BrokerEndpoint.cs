namespace Fleet.Api.Mqtt;

/// <summary>
/// One way into the embedded broker, for whoever must judge it (the startup rule that refuses plain text on the network,
/// the start banner). A WebSocket endpoint has no address of its own: it is served on the API's HTTP endpoints, and is
/// encrypted exactly where they are (https), so it is judged with them.
/// </summary>
/// <param name="Transport"><c>tcp</c>, <c>tls</c> or <c>websocket</c>.</param>
/// <param name="Address">The bind address (tcp, tls); null for a WebSocket path.</param>
/// <param name="Port">The port (tcp, tls); 0 for a WebSocket path.</param>
/// <param name="Path">The HTTP path of a WebSocket endpoint; null otherwise.</param>
/// <param name="Encrypted">True for tls; false for tcp; for a WebSocket, false here: see the HTTP endpoints.</param>
public sealed record BrokerEndpoint(string Transport, string? Address, int Port, string? Path, bool Encrypted)
{
    public const string Tcp = "tcp";
    public const string Tls = "tls";
    public const string WebSocket = "websocket";

    public bool OnHttpEndpoints => Transport == WebSocket;

    public override string ToString() => OnHttpEndpoints ? $"{Transport} {Path} on the API's HTTP endpoints" : $"{Transport} {Address}:{Port}";
}
