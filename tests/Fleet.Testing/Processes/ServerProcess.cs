using System.Diagnostics;
using System.Globalization;
using System.Text;
using Fleet.Testing.Network;

namespace Fleet.Testing.Processes;

/// <summary>
/// A server from Debian's packages (websockify, tinyproxy) run on a free loopback port with files in its own temp
/// directory, stopped and deleted on dispose, or by <see cref="OrphanGuard"/> if the test host dies first.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private readonly StringBuilder output = new();
    private Process? process;
    private string fileName = string.Empty;
    private Func<string, int, IEnumerable<string>> arguments = (_, _) => [];

    private ServerProcess(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>What the server printed, for failure messages.</summary>
    public string Output => ChildProcess.Snapshot(output);

    /// <summary>The path of <paramref name="tool"/>, or an exception naming the Debian package that provides it (a missing tool fails the test).</summary>
    public static string FindTool(string tool, string package) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/usr/bin")
            .Select(d => Path.Combine(d, tool))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{tool} not found: apt-get install -y {package} (test.sh and .ci/run install it)");

    /// <summary>Starts <paramref name="fileName"/> with the arguments <paramref name="arguments"/> builds from (directory, port), and waits until the port accepts.</summary>
    public static Task<ServerProcess> StartAsync(string name, string fileName, Func<string, int, IEnumerable<string>> arguments, CancellationToken ct = default) =>
        StartAsync(name, fileName, arguments, port: null, ct);

    /// <summary>
    /// As the other overload, on <paramref name="port"/> when given (an address handed out before the server could
    /// start), else on a free one.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string name, string fileName, Func<string, int, IEnumerable<string>> arguments, int? port, CancellationToken ct = default)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"fleet-{name}-").FullName;
        List<string> failures = [];
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            ServerProcess server = new(directory, port ?? FreePort.Next()) { fileName = fileName, arguments = arguments };
            if (await server.LaunchAsync(watch: attempt == 1, ct))
            {
                return server;
            }

            failures.Add($"port {server.Port}: {server.Describe()}");
            await server.StopAsync();
        }

        System.IO.Directory.Delete(directory, recursive: true);
        throw new InvalidOperationException($"{name} did not start ({ChildProcess.Describe(fileName, arguments(directory, 0))}): {string.Join(" | ", failures)}");
    }

    /// <summary>Whether the server's process is running (false after <see cref="StopAsync"/> or a crash).</summary>
    public bool IsRunning => process is { HasExited: false };

    /// <summary>Starts the server again after <see cref="StopAsync"/>, same port, same directory (what it stored is still there).</summary>
    public async Task StartAgainAsync(CancellationToken ct = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{fileName} is still running on port {Port}.");
        }

        if (!await LaunchAsync(watch: false, ct))
        {
            var failure = Describe();
            await StopAsync();
            throw new InvalidOperationException($"{fileName} did not start again on port {Port}: {failure}");
        }
    }

    /// <summary>
    /// SIGSTOP: the server hangs. The kernel still accepts connections and takes requests into its buffers, nobody
    /// answers them until <see cref="ResumeAsync"/> (a request in flight, held at will).
    /// </summary>
    public Task PauseAsync(CancellationToken ct = default) => SignalAsync("STOP", ct);

    /// <summary>SIGCONT: the server reads and answers what waited.</summary>
    public Task ResumeAsync(CancellationToken ct = default) => SignalAsync("CONT", ct);

    /// <summary>Kills the server (a crash, as far as its clients can tell); its directory stays for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref process, null) is { } running)
        {
            using (running)
            {
                await ChildProcess.StopAsync(running, graceful: false, TimeSpan.FromSeconds(10));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"[Fleet tests] could not delete {Directory}: {ex.Message}");
        }
    }

    /// <summary>Starts the process once; true when the port accepts.</summary>
    private async Task<bool> LaunchAsync(bool watch, CancellationToken ct)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        foreach (var argument in arguments(Directory, Port))
        {
            start.ArgumentList.Add(argument);
        }

        var started = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}");
        process = started;
        await File.WriteAllTextAsync(Path.Combine(Directory, "server.pid"), started.Id.ToString(CultureInfo.InvariantCulture), ct);
        if (watch)
        {
            await OrphanGuard.WatchPidFileAsync(Directory, "server.pid");
        }

        _ = ChildProcess.PumpAsync(started.StandardOutput, output);
        _ = ChildProcess.PumpAsync(started.StandardError, output);
        return await FreePort.WaitUntilListeningAsync(Port, StartTimeout, () => started.HasExited, ct);
    }

    private Task SignalAsync(string signal, CancellationToken ct) =>
        ChildProcess.SignalAsync(process?.Id ?? throw new InvalidOperationException($"{fileName} is not running."), signal, ct);

    private string Describe() =>
        $"{(process is { HasExited: true } p ? $"exited with {p.ExitCode}" : "not listening")}: {Output}";
}
