using System.Globalization;
using System.Text;

using Fleet.Testing.Network;
using Fleet.Testing.Processes;

namespace Fleet.Benchmarks.Infrastructure;

/// <summary>
/// Mosquitto as shipped (infra/mosquitto/acl, password file, use_username_as_clientid) with the throughput settings of
/// infra/mosquitto/mosquitto.conf, and a queue sized for the largest burst the benchmark sends to the API.
/// </summary>
internal sealed class BenchBroker(string directory, int maxQueuedMessages) : IAsyncDisposable
{
    private ServerProcess? _process;

    public int Port { get; private set; }

    public string ApiPassword { get; } = Secrets.New();

    public string MonitorPassword { get; } = Secrets.New();

    public string PasswordFile => Path.Combine(directory, "passwd");

    public string MonitorPasswordFile => Path.Combine(directory, "monitor.password");

    public int? ProcessId => _process?.Id;

    public int MaxQueuedMessages => maxQueuedMessages;

    /// <summary>Writes the password file with the service accounts; detectors are appended by provision-many.</summary>
    public async Task CreateFilesAsync(string repo)
    {
        Directory.CreateDirectory(directory);
        await RunAsync("mosquitto_passwd", ["-b", "-c", PasswordFile, "api", ApiPassword]);
        await RunAsync("mosquitto_passwd", ["-b", PasswordFile, "monitor", MonitorPassword]);
        File.Copy(Path.Combine(repo, "infra", "mosquitto", "acl"), Path.Combine(directory, "acl"), overwrite: true);
        await File.WriteAllTextAsync(MonitorPasswordFile, MonitorPassword);
        File.SetUnixFileMode(MonitorPasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public string Config(int port)
    {
        var config = new StringBuilder();
        config.AppendLine("per_listener_settings false");
        config.AppendLine("allow_anonymous false");
        config.AppendLine(CultureInfo.InvariantCulture, $"password_file {PasswordFile}");
        config.AppendLine(CultureInfo.InvariantCulture, $"acl_file {Path.Combine(directory, "acl")}");
        config.AppendLine("allow_zero_length_clientid false");
        config.AppendLine("persistence false");

        // The tuned delivery settings of infra/mosquitto/mosquitto.conf: without them QoS 1 delivery to one busy
        // subscriber collapses to ~1,000 msg/s and the overflow is dropped silently.
        config.AppendLine("set_tcp_nodelay true");
        config.AppendLine("max_inflight_messages 0");

        // Deliberate: the reconnect storm sends every detector's online + state (2 x fleet) to the API at once, and
        // the API takes only its receive maximum in flight; the rest must queue, not be dropped.
        config.AppendLine(CultureInfo.InvariantCulture, $"max_queued_messages {maxQueuedMessages}");
        config.AppendLine("message_size_limit 65536");
        config.AppendLine("max_keepalive 300");
        config.AppendLine(CultureInfo.InvariantCulture, $"listener {port} 127.0.0.1");
        config.AppendLine("use_username_as_clientid true");
        config.AppendLine(CultureInfo.InvariantCulture, $"log_dest file {Path.Combine(directory, "mosquitto.log")}");
        config.AppendLine("log_type error");
        config.AppendLine("log_type warning");

        // 10,000 connect lines per storm would cost the broker more than the storm itself.
        config.AppendLine("connection_messages false");
        return config.ToString();
    }

    public async Task StartAsync()
    {
        if (Environment.IsPrivilegedProcess)
        {
            // As root mosquitto drops to the mosquitto user, which must read the password file and ACL and write the log.
            await RunAsync("chown", ["-R", "mosquitto:", directory]);
        }

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Port = FreePort.Next();
            var configPath = Path.Combine(directory, "mosquitto.conf");
            await File.WriteAllTextAsync(configPath, Config(Port));
            _process = ServerProcess.Start("mosquitto", ["-c", configPath], Path.Combine(directory, "mosquitto.out"), directory);
            if (await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(15), () => _process.HasExited))
            {
                return;
            }

            await _process.DisposeAsync();
        }

        throw new InvalidOperationException($"mosquitto did not start: {File.ReadAllText(Path.Combine(directory, "mosquitto.out"))}");
    }

    public static async Task<string> VersionAsync()
    {
        try
        {
            var (_, output, error) = await ChildProcess.RunAsync("mosquitto", ["-h"], TimeSpan.FromSeconds(10));
            return (output + "\n" + error).Split('\n').FirstOrDefault(l => l.Contains("version", StringComparison.OrdinalIgnoreCase))?.Trim() ?? "unknown";
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return "unknown";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private async Task RunAsync(string tool, string[] arguments)
    {
        var (exitCode, output, error) = await ChildProcess.RunAsync(tool, arguments, TimeSpan.FromSeconds(60), directory);
        if (exitCode != 0)
        {
            // Arguments may hold a password: name the tool and its first argument only.
            throw new InvalidOperationException($"{tool} {arguments[0]} … exited with {exitCode}: {output} {error}");
        }
    }
}
