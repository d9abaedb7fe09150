using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Simulator;

/// <summary><c>fleet-sim</c> (tools/Fleet.Simulator), built next to these tests, run as a real process.</summary>
internal sealed class SimulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _pumps;

    private SimulatorProcess(Process process)
    {
        _process = process;
        _pumps = Task.WhenAll(ChildProcess.PumpAsync(process.StandardOutput, _stdout), ChildProcess.PumpAsync(process.StandardError, _stderr));
    }

    public static string Assembly => Path.Combine(RepositoryPaths.Root, "tools", "Fleet.Simulator", "bin", Configuration, "net10.0", "fleet-sim.dll");

    public string Stderr => ChildProcess.Snapshot(_stderr);

    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static SimulatorProcess Start(IEnumerable<string> arguments, ITestOutputHelper output)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add(Assembly);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        output.WriteLine($"[simulator] {ChildProcess.Describe("fleet-sim", startInfo.ArgumentList.Skip(1))}");
        return new SimulatorProcess(Process.Start(startInfo) ?? throw new InvalidOperationException("could not start fleet-sim"));
    }

    /// <summary>Waits for the exit (bounded) and returns the JSON summary it printed; fails on a non-zero exit.</summary>
    public async Task<JsonElement> SummaryAsync(TimeSpan within, ITestOutputHelper output)
    {
        using (var deadline = new CancellationTokenSource(within))
        {
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                ChildProcess.KillQuietly(_process);
                throw new TimeoutException($"fleet-sim did not exit within {within.TotalSeconds:0} s; stderr: {Tail(Stderr)}");
            }
        }

        await _pumps.WaitAsync(TimeSpan.FromSeconds(5));
        var stdout = ChildProcess.Snapshot(_stdout);
        output.WriteLine($"[simulator] exit {_process.ExitCode}; summary {stdout}");
        output.WriteLine($"[simulator] stderr (tail): {Tail(Stderr)}");
        Assert.True(_process.ExitCode == 0, $"fleet-sim exited with {_process.ExitCode}: {Tail(Stderr)}");
        return JsonDocument.Parse(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement.Clone();
    }

    /// <summary>SIGTERM: the simulator stops cleanly (offline, DISCONNECT), writes --acked-out and its summary.</summary>
    public Task TerminateAsync() => ChildProcess.SignalAsync(_process.Id, "TERM");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            ChildProcess.KillQuietly(_process);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string Tail(string text) => string.Join(" / ", text.Split('\n').TakeLast(12));
}
