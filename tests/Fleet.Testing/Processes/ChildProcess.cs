using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Fleet.Testing.Processes;

/// <summary>
/// Child processes for tests and tools: runs a short-lived command with a bounded timeout and returns its exit code
/// and output (<see cref="RunAsync"/>), starts a long-running one with its output read line by line
/// (<see cref="StartWithOutput"/>), signals and stops them.
/// </summary>
public static class ChildProcess
{
    // Exit is what we wait for: a grandchild (pg_ctl's postmaster) may inherit and hold the pipes open,
    // so after exit the output pumps only get this long to drain what is left.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        string? workingDirectory = null,
        CancellationToken ct = default)
    {
        ProcessStartInfo startInfo = new(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        string commandLine = Describe(fileName, startInfo.ArgumentList);
        using Process process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {commandLine}");

        // Closed stdin makes a tool that would prompt (mosquitto_passwd without -b) fail instead of hang.
        process.StandardInput.Close();
        StringBuilder output = new();
        StringBuilder error = new();
        Task pumps = Task.WhenAll(PumpAsync(process.StandardOutput, output), PumpAsync(process.StandardError, error));

        using CancellationTokenSource timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutCts.Token);
        }
        catch (OperationCanceledException)
        {
            KillQuietly(process);
            await DrainAsync(pumps);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException(
                $"{commandLine} did not exit within {timeout.TotalSeconds:0.#} s. "
                + $"stdout: {Snapshot(output)} stderr: {Snapshot(error)}");
        }

        await DrainAsync(pumps);
        return (process.ExitCode, Snapshot(output), Snapshot(error));
    }

    /// <summary>
    /// Starts a long-running child with its stdout and stderr redirected and each line of both, as it arrives, given to
    /// <paramref name="onLine"/> (from a thread-pool thread; the caller makes it thread-safe). Redirected output must be
    /// read or the child blocks once the pipe is full, so every long-running child goes through here.
    /// </summary>
    public static Process StartWithOutput(ProcessStartInfo start, Action<string> onLine)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        Process process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {Describe(start.FileName, start.ArgumentList)}");
        process.OutputDataReceived += (_, e) => Forward(e.Data, onLine);
        process.ErrorDataReceived += (_, e) => Forward(e.Data, onLine);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A command line for messages; arguments that look like secrets are not hidden, tests only.</summary>
    public static string Describe(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', arguments.Prepend(fileName).Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));

    public static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone between the check and the kill.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Not ours to kill any more (exited and reaped); nothing left to do.
        }
    }

    /// <summary>Sends a signal with kill(1): Process can only SIGKILL, and this keeps us free of P/Invoke.</summary>
    public static async Task SignalAsync(int pid, string signal, CancellationToken ct = default)
    {
        (int exitCode, _, string error) = await RunAsync("kill", ["-s", signal, pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10), ct: ct);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"kill -s {signal} {pid} failed ({exitCode}): {error}");
        }
    }

    /// <summary>SIGTERM (graceful) or SIGKILL, then waits for the exit; SIGKILL if TERM is not enough in time.</summary>
    public static async Task StopAsync(Process process, bool graceful, TimeSpan timeout)
    {
        try
        {
            if (graceful && !process.HasExited)
            {
                await SignalAsync(process.Id, "TERM");
            }
            else
            {
                KillQuietly(process);
            }
        }
        catch (InvalidOperationException)
        {
            // kill(1) failed because the process exited meanwhile; the wait below confirms it.
        }

        using CancellationTokenSource deadline = new(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            KillQuietly(process);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>Copies a stream into a buffer; never faults, so nothing goes unobserved.</summary>
    public static async Task PumpAsync(StreamReader reader, StringBuilder buffer)
    {
        char[] chunk = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(chunk.AsMemory())) > 0)
            {
                lock (buffer)
                {
                    buffer.Append(chunk, 0, read);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process was disposed while a grandchild still held the pipe; what we have is enough.
        }
    }

    public static string Snapshot(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString().Trim();
        }
    }

    // A null line is the end of the stream, not a line.
    private static void Forward(string? line, Action<string> onLine)
    {
        if (line is not null)
        {
            onLine(line);
        }
    }

    private static async Task DrainAsync(Task pumps)
    {
        try
        {
            await pumps.WaitAsync(DrainTimeout);
        }
        catch (TimeoutException)
        {
            // Someone still holds the pipe; the process itself has exited, so keep what was read.
        }
    }
}
