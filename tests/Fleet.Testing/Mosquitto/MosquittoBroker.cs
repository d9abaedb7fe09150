using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

using Fleet.Testing.Network;
using Fleet.Testing.Processes;

namespace Fleet.Testing.Mosquitto;

/// <summary>
/// A real mosquitto process on 127.0.0.1 with Fleet's password file and ACL, so tests see the broker
/// behaviour production gets (ACL refusals, shared subscriptions, retained messages), not a stand-in.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    /// <summary>
    /// The shipped ACL plus copies of its `api` and `monitor` blocks for `api-2`, `api-3` and `monitor-2`, exactly as
    /// infra/README.md tells operators to add an identity per API replica or monitoring tool.
    /// </summary>
    public static string AclWithSecondIdentities(string acl)
    {
        var lines = acl.Split('\n');
        var extra = new StringBuilder();
        foreach (var (user, copy) in new[] { ("api", "api-2"), ("api", "api-3"), ("monitor", "monitor-2") })
        {
            var start = Array.FindIndex(lines, l => l.Trim() == $"user {user}");
            extra.AppendLine(CultureInfo.InvariantCulture, $"user {copy}");
            foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("user ", StringComparison.Ordinal) && !l.StartsWith("pattern ", StringComparison.Ordinal) && !l.StartsWith("# ---", StringComparison.Ordinal)))
            {
                if (line.StartsWith("topic ", StringComparison.Ordinal))
                {
                    extra.AppendLine(line.Trim());
                }
            }
        }

        return acl.TrimEnd() + "\n\n# Test-only second identities\n" + extra;
    }

    /// <summary>The ACL the project ships (infra/mosquitto/acl): the tests prove the file operators deploy.</summary>
    public static string AclFileContent => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "infra", "mosquitto", "acl"));

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private static readonly Lazy<Task<MosquittoBroker>> Shared =
        new(() => Task.Run(StartSharedAsync), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly MosquittoFiles files;
    private readonly string mosquittoPath;
    private readonly MosquittoBrokerOptions options;
    private readonly SemaphoreSlim gate = new(1, 1);

    // mosquitto_passwd rewrites the file in place: two at once can lose a user, or a reload can read
    // a half-written file.
    private readonly SemaphoreSlim usersGate = new(1, 1);
    private readonly StringBuilder output = new();
    private Process? process;
    private int disposed;

    private MosquittoBroker(MosquittoFiles files, string mosquittoPath, MosquittoBrokerOptions options)
    {
        this.files = files;
        this.mosquittoPath = mosquittoPath;
        this.options = options;
    }

    public string Host { get; } = "127.0.0.1";

    public int Port { get; private set; }

    /// <summary>The TLS listener's port, with <see cref="MosquittoBrokerOptions.Tls"/>; 0 otherwise.</summary>
    public int TlsPort { get; private set; }

    /// <summary>The plain WebSockets listener's port, with <see cref="MosquittoBrokerOptions.WebSockets"/>; 0 otherwise.</summary>
    public int WebSocketsPort { get; private set; }

    /// <summary>The PEM file of the CA that signed the TLS listener's certificate (for <c>localhost</c>).</summary>
    public string CaFile => files.CaFile;

    /// <summary>The TLS listener's certificate and key (PEM), for a front (a WebSocket proxy) that presents the same certificate.</summary>
    public string CertFile => files.CertFile;

    /// <inheritdoc cref="CertFile"/>
    public string KeyFile => files.KeyFile;

    public string ApiPassword { get; } = NewPassword();

    public string MonitorPassword { get; } = NewPassword();

    /// <summary>A second API identity (`api-2`), as a second replica has with use_username_as_clientid.</summary>
    public string Api2Password { get; } = NewPassword();

    /// <summary>A third API identity (`api-3`), for scale-out tests with three replicas.</summary>
    public string Api3Password { get; } = NewPassword();

    /// <summary>A second monitoring identity (`monitor-2`), for a tool running next to `monitor`.</summary>
    public string Monitor2Password { get; } = NewPassword();

    /// <summary>The broker's own log (log_dest file), for failure messages.</summary>
    public string LogPath => files.LogFile;

    /// <summary>The running broker's pid, or null while it is stopped or killed.</summary>
    public int? ProcessId => process?.Id;

    /// <summary>One broker for the whole assembly, started by the first caller, stopped at process exit.</summary>
    public static Task<MosquittoBroker> SharedAsync() => Shared.Value;

    public static Task<MosquittoBroker> StartAsync(CancellationToken ct = default) => StartAsync(persistence: false, ct);

    /// <param name="persistence">Keep retained messages and sessions across <see cref="RestartAsync"/>.</param>
    /// <param name="ct">Cancels the start.</param>
    public static Task<MosquittoBroker> StartAsync(bool persistence, CancellationToken ct = default) =>
        StartAsync(new MosquittoBrokerOptions { Persistence = persistence }, ct);

    /// <summary>Starts a broker with settings a fault test needs (persistence, queue limit, autosave interval).</summary>
    public static async Task<MosquittoBroker> StartAsync(MosquittoBrokerOptions options, CancellationToken ct = default)
    {
        string mosquitto = MosquittoFiles.FindTool("mosquitto", "/usr/sbin/mosquitto");
        string passwd = MosquittoFiles.FindTool("mosquitto_passwd", "/usr/bin/mosquitto_passwd");
        DirectoryInfo directory = Directory.CreateTempSubdirectory("fleet-mosquitto-");
        MosquittoBroker broker = new(new MosquittoFiles(directory.FullName, passwd), mosquitto, options);
        try
        {
            // If the test host dies without disposing, kill the broker it leaves behind, but only a
            // process whose command line names this directory (its pid may have been reused).
            await OrphanGuard.WatchPidFileAsync(directory.FullName, "mosquitto.pid");
            if (options.Tls)
            {
                TestCertificates.Write(broker.files.CaFile, broker.files.CertFile, broker.files.KeyFile);
            }

            await broker.files.CreateAsync(
                AclWithSecondIdentities(AclFileContent),
                [("api", broker.ApiPassword), ("monitor", broker.MonitorPassword), ("api-2", broker.Api2Password), ("api-3", broker.Api3Password), ("monitor-2", broker.Monitor2Password)],
                ct);
            await broker.LaunchAsync(choosePort: true, ct);
            TestReport.Note($"Mosquitto: {mosquitto}, started by the tests with a generated config, password file and infra/mosquitto/acl");
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Adds (or re-keys) a user, makes the broker reload, and waits until the user can log in.</summary>
    public async Task AddUserAsync(string username, string password, CancellationToken ct = default)
    {
        await usersGate.WaitAsync(ct);
        try
        {
            await AddUserLockedAsync(username, password, ct);
        }
        finally
        {
            usersGate.Release();
        }
    }

    /// <summary>
    /// The broker's password file, for a test that lets the API write it (Provisioning:MosquittoPasswordFile). As root,
    /// the directory becomes setgid to the broker's group, so a file the API replaces there (mode 0640, owned by root)
    /// stays readable by the broker, as a shared group directory does in a deployment.
    /// </summary>
    public async Task<string> SharePasswordFileAsync(CancellationToken ct = default)
    {
        if (Environment.IsPrivilegedProcess)
        {
            (int exitCode, string output, string error) = await ChildProcess.RunAsync("chmod", ["g+s", files.Directory], TimeSpan.FromSeconds(15), files.Directory, ct);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"chmod g+s {files.Directory} failed: {output} {error}");
            }
        }

        return files.PasswordFile;
    }

    /// <summary>Makes the broker re-read its password file and ACL (SIGHUP); the reload happens a moment later.</summary>
    public async Task ReloadAsync(CancellationToken ct = default)
    {
        await usersGate.WaitAsync(ct);
        try
        {
            int pid = process?.Id ?? throw new InvalidOperationException("mosquitto is not running.");
            await ChildProcess.SignalAsync(pid, "HUP", ct);
        }
        finally
        {
            usersGate.Release();
        }
    }

    /// <summary>Stops the broker cleanly (SIGTERM, so a persistent broker saves its database).</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        await gate.WaitAsync(ct);
        try
        {
            await StopProcessAsync(graceful: true);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Kills the broker (SIGKILL) and waits for it to exit: nothing is saved, so a persistent broker comes back with
    /// whatever its last autosave held (stale sessions and retained messages), as after a crash or power loss.
    /// </summary>
    public async Task KillAsync(CancellationToken ct = default)
    {
        await gate.WaitAsync(ct);
        try
        {
            Process running = Interlocked.Exchange(ref process, null) ?? throw new InvalidOperationException("mosquitto is not running.");
            File.Delete(files.PidFile);
            using (running)
            {
                running.Kill();
                await running.WaitForExitAsync(ct).WaitAsync(StopTimeout, ct);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Freezes the broker (SIGSTOP): its sockets stay open and nothing answers, a half-open link for every client.</summary>
    public Task PauseAsync(CancellationToken ct = default) => SignalAsync("STOP", ct);

    /// <summary>Lets a paused broker run again (SIGCONT).</summary>
    public Task ResumeAsync(CancellationToken ct = default) => SignalAsync("CONT", ct);

    /// <summary>Starts the broker again on the same port with the same files, after <see cref="StopAsync"/> or <see cref="KillAsync"/>.</summary>
    public Task StartAgainAsync(CancellationToken ct = default) =>
        process is null ? LaunchAsync(choosePort: false, ct) : throw new InvalidOperationException("mosquitto is already running.");

    /// <summary>Stops and starts the broker on the same port with the same users.</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        await StopAsync(ct);
        await LaunchAsync(choosePort: false, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await StopProcessAsync(graceful: false);
        try
        {
            Directory.Delete(files.Directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"[Fleet tests] could not delete {files.Directory}: {ex.Message}");
        }
    }

    private async Task AddUserLockedAsync(string username, string password, CancellationToken ct)
    {
        await files.AddUserAsync(username, password, ct);
        int pid = process?.Id ?? throw new InvalidOperationException("mosquitto is not running.");
        await ChildProcess.SignalAsync(pid, "HUP", ct);

        // mosquitto reloads the password file in its main loop, a moment after the signal: poll a real
        // login rather than guess a delay.
        Stopwatch elapsed = Stopwatch.StartNew();
        string lastFailure;
        do
        {
            try
            {
                await using MqttTestClient probe = await MqttTestClient.ConnectAsync(Host, Port, username, password, ct: ct);
                return;
            }
            catch (Exception ex) when ((ex is InvalidOperationException or MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException) && !ct.IsCancellationRequested)
            {
                lastFailure = ex.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
        }
        while (elapsed.Elapsed < StartTimeout);

        throw new TimeoutException($"User '{username}' still cannot log in {StartTimeout.TotalSeconds:0} s after the reload: {lastFailure} {files.LogTail()}");
    }

    private async Task SignalAsync(string signal, CancellationToken ct)
    {
        int pid = process?.Id ?? throw new InvalidOperationException("mosquitto is not running.");
        await ChildProcess.SignalAsync(pid, signal, ct);
    }

    private static async Task<MosquittoBroker> StartSharedAsync()
    {
        MosquittoBroker broker = await StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => broker.DisposeAsync().AsTask().GetAwaiter().GetResult();
        await Console.Error.WriteLineAsync($"[Fleet tests] mosquitto: {broker.Host}:{broker.Port} ({broker.files.Directory})");
        return broker;
    }

    private async Task LaunchAsync(bool choosePort, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            List<string> failures = [];

            // A chosen free port can be taken before mosquitto binds it; a restart must keep its port.
            for (int attempt = 1; attempt <= (choosePort ? 3 : 1); attempt++)
            {
                Port = choosePort ? FreePort.Next() : Port;
                TlsPort = !options.Tls ? 0 : choosePort ? FreePort.Next() : TlsPort;
                WebSocketsPort = !options.WebSockets ? 0 : choosePort ? FreePort.Next() : WebSocketsPort;
                await files.WriteConfigAsync(Port, TlsPort, WebSocketsPort, options, ct);
                ProcessStartInfo startInfo = new(mosquittoPath)
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    WorkingDirectory = files.Directory,
                };
                startInfo.ArgumentList.Add("-c");
                startInfo.ArgumentList.Add(files.ConfigFile);
                Process started = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {mosquittoPath}");
                process = started;
                await File.WriteAllTextAsync(files.PidFile, started.Id.ToString(CultureInfo.InvariantCulture), ct);
                _ = ChildProcess.PumpAsync(started.StandardOutput, output);
                _ = ChildProcess.PumpAsync(started.StandardError, output);
                if (await FreePort.WaitUntilListeningAsync(Port, StartTimeout, () => started.HasExited, ct))
                {
                    return;
                }

                string state = started.HasExited ? $"exited with {started.ExitCode}" : "not listening";
                failures.Add($"port {Port}: {state}; output: {ChildProcess.Snapshot(output)}; {files.LogTail()}");
                await StopProcessAsync(graceful: false);
            }

            throw new InvalidOperationException($"mosquitto did not start: {string.Join(" | ", failures)}");
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task StopProcessAsync(bool graceful)
    {
        Process? running = Interlocked.Exchange(ref process, null);
        if (running is not null)
        {
            File.Delete(files.PidFile);
            using (running)
            {
                await ChildProcess.StopAsync(running, graceful, StopTimeout);
            }
        }
    }

    private static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
