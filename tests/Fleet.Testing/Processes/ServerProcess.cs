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
    public static async Task<ServerProcess> StartAsync(string name, string fileName, Func<string, int, IEnumerable<string>> arguments, CancellationToken ct = default)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"fleet-{name}-").FullName;
        List<string> failures = [];
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            ServerProcess server = new(directory, FreePort.Next());
            var start = new ProcessStartInfo(fileName)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = directory,
            };
            foreach (var argument in arguments(directory, server.Port))
            {
                start.ArgumentList.Add(argument);
            }

            var started = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}");
            server.process = started;
            await File.WriteAllTextAsync(Path.Combine(directory, "server.pid"), started.Id.ToString(CultureInfo.InvariantCulture), ct);
            if (attempt == 1)
            {
                await OrphanGuard.WatchPidFileAsync(directory, "server.pid");
            }

            _ = ChildProcess.PumpAsync(started.StandardOutput, server.output);
            _ = ChildProcess.PumpAsync(started.StandardError, server.output);
            if (await FreePort.WaitUntilListeningAsync(server.Port, StartTimeout, () => started.HasExited, ct))
            {
                return server;
            }

            failures.Add($"port {server.Port}: {(started.HasExited ? $"exited with {started.ExitCode}" : "not listening")}: {server.Output}");
            await server.StopAsync();
        }

        System.IO.Directory.Delete(directory, recursive: true);
        throw new InvalidOperationException($"{name} did not start ({ChildProcess.Describe(fileName, arguments(directory, 0))}): {string.Join(" | ", failures)}");
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

    private async Task StopAsync()
    {
        if (Interlocked.Exchange(ref process, null) is { } running)
        {
            using (running)
            {
                await ChildProcess.StopAsync(running, graceful: false, TimeSpan.FromSeconds(10));
            }
        }
    }
}
