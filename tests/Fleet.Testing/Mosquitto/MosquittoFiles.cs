using System.Globalization;
using System.Text;

using Fleet.Testing.Processes;

namespace Fleet.Testing.Mosquitto;

/// <summary>The test broker's directory: mosquitto.conf, the password file, the ACL and the log.</summary>
public sealed class MosquittoFiles(string directory, string passwdTool)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(15);

    public string Directory { get; } = directory;

    public string ConfigFile => Path.Combine(Directory, "mosquitto.conf");

    public string PasswordFile => Path.Combine(Directory, "passwd");

    public string AclFile => Path.Combine(Directory, "acl");

    public string LogFile => Path.Combine(Directory, "mosquitto.log");

    public string CaFile => Path.Combine(Directory, "ca.pem");

    public string CertFile => Path.Combine(Directory, "server.pem");

    public string KeyFile => Path.Combine(Directory, "server.key");

    /// <summary>Written by the test (mosquitto writes none in the foreground) for <see cref="OrphanGuard"/>.</summary>
    public string PidFile => Path.Combine(Directory, "mosquitto.pid");

    public static string FindTool(string name, string usual) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name))
            .Append(usual)
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} not found: apt-get install -y mosquitto mosquitto-clients");

    /// <summary>The shipped plugin that keeps shared subscriptions to the API identities (infra/mosquitto/plugin).</summary>
    public string? PluginFile { get; private set; }

    public async Task CreateAsync(string acl, IReadOnlyList<(string User, string Password)> users, CancellationToken ct)
    {
        PluginFile = await MosquittoPlugin.PathAsync();
        for (int i = 0; i < users.Count; i++)
        {
            await RunAsync(passwdTool, i == 0 ? ["-b", "-c", PasswordFile, users[i].User, users[i].Password] : ["-b", PasswordFile, users[i].User, users[i].Password], ct);
        }

        await File.WriteAllTextAsync(AclFile, acl + "\n", ct);
        await File.WriteAllTextAsync(LogFile, string.Empty, ct);
        if (Environment.IsPrivilegedProcess)
        {
            // As root mosquitto drops to the mosquitto user, which must read the password file and ACL
            // (also after a reload) and write the log and, with persistence, mosquitto.db here.
            // mosquitto_passwd later rewrites the password file in place, which keeps this owner.
            await RunAsync("chown", ["-R", "mosquitto:", Directory], ct);
        }

        if (!OperatingSystem.IsWindows())
        {
            // Readable by anyone, so a person debugging a failed run can look without sudo.
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }

    public Task AddUserAsync(string user, string password, CancellationToken ct) =>
        RunAsync(passwdTool, ["-b", PasswordFile, user, password], ct);

    public Task WriteConfigAsync(int port, int tlsPort, int webSocketsPort, MosquittoBrokerOptions options, CancellationToken ct)
    {
        StringBuilder config = new();

        // per_listener_settings true loses will messages in 2.0.11; Fleet relies on wills for presence.
        config.AppendLine("per_listener_settings false");
        config.AppendLine("allow_anonymous false");
        config.AppendLine(CultureInfo.InvariantCulture, $"password_file {PasswordFile}");
        config.AppendLine(CultureInfo.InvariantCulture, $"acl_file {AclFile}");

        // As in infra/mosquitto/mosquitto.conf: acl_file cannot refuse a SUBSCRIBE, this plugin refuses $share/... to
        // everyone but the API identities.
        config.AppendLine(CultureInfo.InvariantCulture, $"plugin {PluginFile}");
        config.AppendLine("allow_zero_length_clientid false");
        config.AppendLine(options.Persistence ? "persistence true" : "persistence false");
        if (options.Persistence)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"persistence_location {Directory}/");
            config.AppendLine(CultureInfo.InvariantCulture, $"autosave_interval {options.AutosaveIntervalSeconds}");
        }

        // With Debian's defaults QoS 1 delivery to one busy subscriber collapsed (~1,000 msg/s) and the
        // overflowing queue was dropped silently; nodelay + unlimited inflight gave ~15,000 msg/s, no loss.
        config.AppendLine("set_tcp_nodelay true");
        config.AppendLine("max_inflight_messages 0");
        config.AppendLine(CultureInfo.InvariantCulture, $"max_queued_messages {options.MaxQueuedMessages}");
        config.AppendLine("message_size_limit 65536");
        config.AppendLine(CultureInfo.InvariantCulture, $"listener {port} 127.0.0.1");

        // As in infra/mosquitto/mosquitto.conf: the client id is the username, so no credential can take over
        // another client's id (and session). Per listener, so after the listener line.
        config.AppendLine("use_username_as_clientid true");
        if (options.Tls)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"listener {tlsPort} 127.0.0.1");
            config.AppendLine(CultureInfo.InvariantCulture, $"cafile {CaFile}");
            config.AppendLine(CultureInfo.InvariantCulture, $"certfile {CertFile}");
            config.AppendLine(CultureInfo.InvariantCulture, $"keyfile {KeyFile}");
            config.AppendLine("use_username_as_clientid true");
        }

        if (options.WebSockets)
        {
            // An interface, not an address: Mosquitto 2.0 hands websockets listeners to libwebsockets, which binds
            // an address given here to every interface instead (eclipse-mosquitto/mosquitto#3045).
            config.AppendLine(CultureInfo.InvariantCulture, $"listener {webSocketsPort} lo");
            config.AppendLine("protocol websockets");
            config.AppendLine("use_username_as_clientid true");
        }

        config.AppendLine(CultureInfo.InvariantCulture, $"log_dest file {LogFile}");
        return File.WriteAllTextAsync(ConfigFile, config.ToString(), ct);
    }

    public string LogTail()
    {
        try
        {
            return "log: " + string.Join(" / ", File.ReadLines(LogFile).TakeLast(8));
        }
        catch (IOException ex)
        {
            return $"log unreadable: {ex.Message}";
        }
    }

    private async Task RunAsync(string fileName, string[] arguments, CancellationToken ct)
    {
        (int exitCode, string output, string error) = await ChildProcess.RunAsync(fileName, arguments, CommandTimeout, Directory, ct);
        if (exitCode != 0)
        {
            // The arguments can hold a password: name the tool and its first argument only.
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} {arguments[0]} … exited with {exitCode}: {output} {error}");
        }
    }
}
