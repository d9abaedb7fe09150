using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Fleet.Agent.Health;

/// <summary>
/// Runs one command without a shell, bounded in time and bytes: stdin is closed, at most <see cref="MaxOutputBytes"/> of
/// stdout (and of stderr) are kept and the rest is read and dropped (a chatty child never blocks on a full pipe), and a
/// command still running at its timeout is killed with its whole process tree.
/// </summary>
internal static class BoundedCommand
{
    public const int MaxOutputBytes = 64 * 1024;

    /// <summary>How long to wait for a killed tree to go (real time: this waits on the kernel).</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    public static async Task<CommandRun> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        var start = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in argv.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return new CommandRun(null, null, StartError: $"cannot start {argv[0]}: {ex.Message}");
        }

        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It exited already: nothing to close.
        }

        var stdout = ReadFirstLineAsync(process.StandardOutput.BaseStream, linked.Token);
        var stderr = ReadFirstLineAsync(process.StandardError.BaseStream, linked.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            await KillTreeAsync(process);
            ct.ThrowIfCancellationRequested();
            await Task.WhenAll(stdout, stderr);
            return new CommandRun(null, await stdout ?? await stderr, TimedOut: true);
        }

        // A grandchild left behind can hold the pipes open: the output is read until the deadline at most.
        await Task.WhenAll(stdout, stderr);
        ct.ThrowIfCancellationRequested();
        return new CommandRun(process.ExitCode, await stdout ?? await stderr);
    }

    /// <summary>
    /// The first line of what the stream carries within its first <see cref="MaxOutputBytes"/> (decoded as UTF-8); the
    /// rest is read and dropped until the stream ends or <paramref name="ct"/> stops the reading. Never throws.
    /// </summary>
    internal static async Task<string?> ReadFirstLineAsync(Stream stream, CancellationToken ct)
    {
        var kept = new byte[MaxOutputBytes];
        var length = 0;
        try
        {
            int n;
            while (length < kept.Length && (n = await stream.ReadAsync(kept.AsMemory(length), ct)) > 0)
            {
                length += n;
            }

            if (length == kept.Length)
            {
                var scratch = new byte[16 * 1024];
                while (await stream.ReadAsync(scratch, ct) > 0)
                {
                    // Dropped: only the start is kept.
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Keep what arrived.
        }

        var text = Encoding.UTF8.GetString(kept, 0, length);
        var end = text.AsSpan().IndexOfAny('\r', '\n');
        var line = end < 0 ? text : text[..end];
        return line.Length == 0 ? null : line;
    }

    private static async Task KillTreeAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own in the meantime.
        }

        using var wait = new CancellationTokenSource(KillWait);
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            // The kernel has not reaped it yet; the kill is sent, nothing more to do.
        }
    }
}
