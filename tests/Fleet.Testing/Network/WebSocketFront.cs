using Fleet.Testing.Processes;

namespace Fleet.Testing.Network;

/// <summary>
/// MQTT over WebSockets in front of a broker's TCP port, as a reverse proxy's /mqtt route is in a deployment: websockify
/// from Debian, on ws:// or, given a certificate, wss:// only. Debian 12's mosquitto 2.0.11 is built without WebSocket
/// support (a `protocol websockets` listener fails with "Unable to start any listening sockets"), hence this front.
/// websockify answers only the `binary` subprotocol; the three lines before its main let it answer `mqtt`, which MQTT
/// clients ask for (MQTT 5.0 section 6).
/// </summary>
public sealed class WebSocketFront : IAsyncDisposable
{
    private const string Script = """
        import sys
        from websockify import websockifyserver, websocketproxy
        websockifyserver.CompatibleWebSocket.select_subprotocol = lambda self, protocols: 'mqtt' if 'mqtt' in protocols else ''
        sys.argv[0] = 'websockify'
        websocketproxy.websockify_init()
        """;

    private readonly ServerProcess server;

    private WebSocketFront(ServerProcess server, bool tls)
    {
        this.server = server;
        Scheme = tls ? "wss" : "ws";
    }

    public int Port => server.Port;

    public string Scheme { get; }

    /// <summary>The endpoint an agent is given (<c>wss://localhost:PORT/mqtt</c>).</summary>
    public string Url(string host = "127.0.0.1") => $"{Scheme}://{host}:{Port}/mqtt";

    /// <summary>Forwards to 127.0.0.1:<paramref name="targetPort"/>; with <paramref name="certFile"/> and <paramref name="keyFile"/>, TLS only.</summary>
    public static async Task<WebSocketFront> StartAsync(int targetPort, string? certFile = null, string? keyFile = null, CancellationToken ct = default)
    {
        ServerProcess.FindTool("websockify", "websockify");
        var tls = certFile is not null;
        var server = await ServerProcess.StartAsync("websockify", "/usr/bin/python3", (directory, port) =>
        [
            WriteScript(directory),
            .. tls ? new[] { "--ssl-only", $"--cert={certFile}", $"--key={keyFile}" } : [],
            $"127.0.0.1:{port}",
            $"127.0.0.1:{targetPort}",
        ], ct);
        return new WebSocketFront(server, tls);
    }

    private static string WriteScript(string directory)
    {
        var path = Path.Combine(directory, "front.py");
        File.WriteAllText(path, Script);
        return path;
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
