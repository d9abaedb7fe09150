using System.Diagnostics;
using System.Globalization;
using System.Text;
using Fleet.Testing.Network;
using Fleet.Testing.Processes;

namespace Fleet.Testing.Ssh;

/// <summary>
/// A real OpenSSH server (Debian's openssh-server) as a reverse-tunnel relay: <c>sshd -D -e -f</c> with a generated
/// config and host key on a free 127.0.0.1 port, as the current user (a login as that user, with keys from
/// <see cref="AuthorizedKeysFile"/>). Killed with its whole tree (listener and sessions), so a restart really drops
/// every forward. A missing sshd or ssh-keygen fails the test with the package to install.
/// </summary>
public sealed class SshRelay : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private readonly StringBuilder output = new();
    private readonly string sshd;
    private Process? process;

    private SshRelay(string directory, string sshd, string authorizedKeysFile, string hostPublicKey)
    {
        Directory = directory;
        this.sshd = sshd;
        AuthorizedKeysFile = authorizedKeysFile;
        HostPublicKey = hostPublicKey;
    }

    public string Host { get; } = "127.0.0.1";

    public int Port { get; private set; }

    /// <summary>The account clients log in as: the one running the tests (sshd without root serves only itself).</summary>
    public string User { get; } = Environment.UserName;

    public string Directory { get; }

    public string AuthorizedKeysFile { get; }

    /// <summary>The host's public key line (<c>ssh-ed25519 AAAA…</c>).</summary>
    public string HostPublicKey { get; }

    /// <summary>What sshd printed (-e: its log on stderr), for failure messages.</summary>
    public string Output => ChildProcess.Snapshot(output);

    /// <param name="authorizedKeysFile">The keys sshd accepts; default an empty file in the relay's directory.</param>
    /// <param name="configTail">sshd_config text appended at the end (a Match block such as infra/relay's drop-in).</param>
    /// <param name="ct">Cancels the start.</param>
    public static async Task<SshRelay> StartAsync(string? authorizedKeysFile = null, string? configTail = null, CancellationToken ct = default)
    {
        var sshd = ServerProcess.FindTool("sshd", "openssh-server");
        var directory = System.IO.Directory.CreateTempSubdirectory("fleet-sshd-").FullName;
        try
        {
            await OrphanGuard.WatchPidFileAsync(directory, "sshd.pid");
            var hostKey = await CreateKeyAsync(directory, "host_ed25519", ct);
            var keys = authorizedKeysFile ?? Path.Combine(directory, "authorized_keys");
            if (!File.Exists(keys))
            {
                await File.WriteAllTextAsync(keys, string.Empty, ct);
            }

            if (Environment.IsPrivilegedProcess)
            {
                // As root sshd separates privileges and chroots into this empty directory, which Debian's init creates
                // at boot; without an init it is missing. Running as another user needs neither.
                System.IO.Directory.CreateDirectory("/run/sshd");
            }

            SshRelay relay = new(directory, sshd, keys, hostKey.PublicKey);
            await File.WriteAllTextAsync(relay.ConfigFile, string.Empty, ct);
            await relay.LaunchAsync(choosePort: true, configTail, ct);
            TestReport.Note($"OpenSSH relay: {sshd}, started by the tests as {relay.User} with a generated config and host key");
            return relay;
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>A new ed25519 key pair without a passphrase in <paramref name="directory"/>.</summary>
    public static async Task<SshKey> CreateKeyAsync(string directory, string name, CancellationToken ct = default)
    {
        var keygen = ServerProcess.FindTool("ssh-keygen", "openssh-client");
        var path = Path.Combine(directory, name);
        var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(keygen, ["-q", "-t", "ed25519", "-N", string.Empty, "-C", name, "-f", path], TimeSpan.FromSeconds(30), ct: ct);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"ssh-keygen for {path} exited with {exitCode}: {stdout} {stderr}");
        }

        return new SshKey(path, (await File.ReadAllTextAsync(path + ".pub", ct)).Trim());
    }

    /// <summary>Writes a known_hosts file that trusts this relay's host key (so clients need not accept a new key).</summary>
    public Task WriteKnownHostsAsync(string path, CancellationToken ct = default) =>
        File.WriteAllTextAsync(path, $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)} {HostPublicKey}\n", ct);

    /// <summary>Adds <paramref name="key"/> to <see cref="AuthorizedKeysFile"/> with authorized_keys options (sshd reads the file at each login).</summary>
    public Task AuthorizeAsync(SshKey key, string keyOptions, CancellationToken ct = default) =>
        File.AppendAllTextAsync(AuthorizedKeysFile, $"{keyOptions} {key.PublicKey}\n", ct);

    /// <summary>Kills sshd and every session it forked (their forwards close), and waits until they are gone.</summary>
    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref process, null) is { } running)
        {
            File.Delete(Path.Combine(Directory, "sshd.pid"));
            using (running)
            {
                await ChildProcess.StopAsync(running, graceful: false, TimeSpan.FromSeconds(10));
            }
        }
    }

    /// <summary>Starts sshd again on the same port with the same host key and configuration.</summary>
    public Task StartAgainAsync(CancellationToken ct = default) =>
        process is null ? LaunchAsync(choosePort: false, configTail: null, ct) : throw new InvalidOperationException("sshd is already running.");

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"[Fleet tests] could not delete {Directory}: {ex.Message}");
        }
    }

    private string ConfigFile => Path.Combine(Directory, "sshd_config");

    private async Task LaunchAsync(bool choosePort, string? configTail, CancellationToken ct)
    {
        List<string> failures = [];
        for (var attempt = 1; attempt <= (choosePort ? 3 : 1); attempt++)
        {
            if (choosePort)
            {
                Port = FreePort.Next();
                await File.WriteAllTextAsync(ConfigFile, Config(configTail), ct);
            }

            // -D: stay in the foreground (its pid is the listener's), -e: log to stderr, which the tests keep.
            var start = new ProcessStartInfo(sshd) { WorkingDirectory = Directory };
            foreach (var argument in (string[])["-D", "-e", "-f", ConfigFile])
            {
                start.ArgumentList.Add(argument);
            }

            var started = ChildProcess.StartWithOutput(start, line =>
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            });
            process = started;
            await File.WriteAllTextAsync(Path.Combine(Directory, "sshd.pid"), started.Id.ToString(CultureInfo.InvariantCulture), ct);
            if (await FreePort.WaitUntilListeningAsync(Port, StartTimeout, () => started.HasExited, ct))
            {
                return;
            }

            failures.Add($"port {Port}: {(started.HasExited ? $"exited with {started.ExitCode}" : "not listening")}: {Output}");
            await KillAsync();
        }

        throw new InvalidOperationException($"sshd did not start ({sshd} -D -e -f {ConfigFile}): {string.Join(" | ", failures)}");
    }

    private string Config(string? configTail) => string.Join('\n',
        $"Port {Port.ToString(CultureInfo.InvariantCulture)}",
        $"ListenAddress {Host}",
        $"HostKey {Path.Combine(Directory, "host_ed25519")}",
        $"AuthorizedKeysFile {AuthorizedKeysFile}",
        "PidFile none",

        // Not root: no PAM, and the temp directory's owner and modes are not a login's home.
        "UsePAM no",
        "StrictModes no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",
        "AllowTcpForwarding remote",
        "GatewayPorts clientspecified",
        "LogLevel VERBOSE",
        configTail ?? string.Empty,
        string.Empty);
}

/// <summary>A key pair: the private key's file and the public key's line.</summary>
public sealed record SshKey(string PrivateKeyFile, string PublicKey);
