using System.Globalization;
using System.Text;
using Fleet.Testing.Processes;

namespace Fleet.Testing.Network;

/// <summary>
/// An HTTP proxy from Debian (tinyproxy) on loopback, as on a corporate network: CONNECT tunnels, optionally only with
/// a user name and password (407 otherwise) or only to some ports (403 otherwise). As root it drops to `nobody`, which
/// only needs to read its config.
/// </summary>
public sealed class TinyProxy : IAsyncDisposable
{
    private readonly ServerProcess server;

    private TinyProxy(ServerProcess server) => this.server = server;

    public int Port => server.Port;

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>What tinyproxy logged (requests, refusals), for failure messages.</summary>
    public string Log => File.Exists(Path.Combine(server.Directory, "tinyproxy.log")) ? File.ReadAllText(Path.Combine(server.Directory, "tinyproxy.log")) : server.Output;

    /// <param name="credentials">Require these (Basic); null: no authentication.</param>
    /// <param name="connectPorts">Allow CONNECT only to these ports; empty: to any.</param>
    /// <param name="ct">Cancels the start.</param>
    public static async Task<TinyProxy> StartAsync((string User, string Password)? credentials = null, int[]? connectPorts = null, CancellationToken ct = default)
    {
        var tinyproxy = ServerProcess.FindTool("tinyproxy", "tinyproxy");
        var server = await ServerProcess.StartAsync("tinyproxy", tinyproxy, (directory, port) =>
        {
            StringBuilder config = new();
            config.AppendLine(CultureInfo.InvariantCulture, $"Port {port}");
            config.AppendLine("Listen 127.0.0.1");
            config.AppendLine("Timeout 30");
            config.AppendLine("MaxClients 20");
            config.AppendLine("Allow 127.0.0.1");
            config.AppendLine("LogLevel Info");
            config.AppendLine(CultureInfo.InvariantCulture, $"LogFile \"{directory}/tinyproxy.log\"");
            if (credentials is { } c)
            {
                config.AppendLine(CultureInfo.InvariantCulture, $"BasicAuth {c.User} {c.Password}");
            }

            foreach (var allowed in connectPorts ?? [])
            {
                config.AppendLine(CultureInfo.InvariantCulture, $"ConnectPort {allowed}");
            }

            var path = Path.Combine(directory, "tinyproxy.conf");
            File.WriteAllText(path, config.ToString());
            if (Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows())
            {
                // tinyproxy drops to nobody before it opens its log.
                File.SetUnixFileMode(directory, (UnixFileMode)0x1FF);
            }

            return ["-d", "-c", path];
        }, ct);
        return new TinyProxy(server);
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
