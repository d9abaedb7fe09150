using System.Diagnostics;

using Fleet.Agent.Logging;

namespace Fleet.Agent.Processes;

/// <summary>
/// Copies a child's stdout and stderr line by line into its log file, to the journal (when <paramref name="journal"/> is
/// given, masked as in the file and rate-limited) and to a callback, one line at a time, and never throws: a reader that
/// stopped (on a full disk, or a subscriber's bug) would let the pipe fill up and freeze the child.
/// </summary>
internal sealed partial class OutputRelay(string name, RotatingLogFile log, Action<string> onLine, ILogger logger, ProviderJournal? journal = null)
{
    private readonly Lock _gate = new();
    private bool _logFailing;

    /// <summary>Reads both streams until they end or <paramref name="stopReading"/> is cancelled.</summary>
    public Task ReadAsync(Process process, CancellationToken stopReading) =>
        Task.WhenAll(PumpAsync(process.StandardOutput, stopReading), PumpAsync(process.StandardError, stopReading));

    /// <summary>
    /// Waits for the rest of the output after the process exited. A leftover grandchild may keep the pipe open for ever,
    /// so the wait is bounded and then reading stops.
    /// </summary>
    public async Task DrainAsync(Task reading, CancellationTokenSource stopReading, TimeSpan timeout)
    {
        try
        {
            await reading.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            LogOutputHeld(name, timeout);
            await stopReading.CancelAsync();
        }
    }

    /// <summary>Writes a line of the agent's own (start, exit) into the log, so the file reads on its own.</summary>
    public void Mark(string text)
    {
        lock (_gate)
        {
            WriteToLog($"[fleet-agent] {name} {text}");
            journal?.Flush();
        }
    }

    private async Task PumpAsync(StreamReader reader, CancellationToken stopReading)
    {
        try
        {
            while (await reader.ReadLineAsync(stopReading) is { } line)
            {
                lock (_gate)
                {
                    WriteToLog(line);
                    journal?.Write(log.Sanitize(line));
                    onLine(line);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Told to stop reading, or the pipe went away with the process: either way this stream is done.
        }
    }

    private void WriteToLog(string line)
    {
        try
        {
            log.WriteLine(line);
            if (_logFailing)
            {
                _logFailing = false;
                LogWritingAgain(name, log.FilePath);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // Said once, not once per line: a full disk would otherwise flood the journal as well.
            if (!_logFailing)
            {
                _logFailing = true;
                LogWriteFailed(name, log.FilePath, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name}: its output was still open {Timeout} after it exited (a leftover child process holds it); no longer reading it")]
    private partial void LogOutputHeld(string name, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name}: cannot write to {LogPath}; its output is not logged until this works again")]
    private partial void LogWriteFailed(string name, string logPath, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name}: writing to {LogPath} again")]
    private partial void LogWritingAgain(string name, string logPath);
}
