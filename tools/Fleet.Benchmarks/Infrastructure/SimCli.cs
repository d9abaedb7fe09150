using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

using Fleet.Testing.Processes;

namespace Fleet.Benchmarks.Infrastructure;

/// <summary>The fleet simulator (tools/Fleet.Simulator, `fleet-sim`) run as a process; its JSON summary is on stdout.</summary>
internal sealed class SimCli(string assembly, string logDirectory)
{
    private int _runs;

    public bool Exists => File.Exists(assembly);

    public string Assembly => assembly;

    public SimProcess Start(params string[] arguments)
    {
        if (!Exists)
        {
            throw new InvalidOperationException($"fleet-sim not found at {assembly} (tools/Fleet.Simulator, built by benchmarks/run.sh)");
        }

        var log = Path.Combine(logDirectory, $"fleet-sim-{Interlocked.Increment(ref _runs):00}-{arguments[0]}.log");
        File.AppendAllText(log, "fleet-sim " + string.Join(' ', arguments) + Environment.NewLine);
        return SimProcess.Start(assembly, arguments, log);
    }

    public async Task<JsonElement> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        await using var process = Start(arguments);
        return await process.WaitAsync(timeout);
    }
}

/// <summary>One running fleet-sim; stdout is kept for the summary, stderr goes to a log.</summary>
internal sealed class SimProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StreamWriter _log;
    private readonly Task _pumps;

    private SimProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
        _pumps = Task.WhenAll(
            ChildProcess.PumpAsync(process.StandardOutput, _stdout),
            PumpLogAsync(process.StandardError));
        Started = Stopwatch.StartNew();
    }

    public Stopwatch Started { get; }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>SIGTERM: fleet-sim stops cleanly and still prints its summary.</summary>
    public Task TerminateAsync() => _process.HasExited ? Task.CompletedTask : ChildProcess.SignalAsync(_process.Id, "TERM");

    public static SimProcess Start(string assembly, string[] arguments, string logPath)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start fleet-sim");
        process.StandardInput.Close();
        return new SimProcess(process, new StreamWriter(logPath, append: true) { AutoFlush = true });
    }

    /// <summary>Waits for the exit and parses the summary; a timeout or a failure throws with the log's tail.</summary>
    public async Task<JsonElement> WaitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            ChildProcess.KillQuietly(_process);
            throw new TimeoutException($"fleet-sim did not finish within {timeout.TotalSeconds:0} s");
        }

        await _pumps.WaitAsync(TimeSpan.FromSeconds(5));
        var output = ChildProcess.Snapshot(_stdout);
        var json = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
        if (_process.ExitCode != 0 || json is null)
        {
            throw new InvalidOperationException(
                $"fleet-sim exited with {_process.ExitCode.ToString(CultureInfo.InvariantCulture)}; stdout: {Truncate(output)}");
        }

        return JsonDocument.Parse(json).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            ChildProcess.KillQuietly(_process);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    private async Task PumpLogAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                await _log.WriteLineAsync(line);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The process is gone; what was logged is enough.
        }
    }

    private static string Truncate(string text) => text.Length > 600 ? text[..600] + "…" : text;
}
