using Fleet.Agent.Configuration;

namespace Fleet.Agent.Processes;

/// <summary>
/// Copies a provider's output lines into the agent's own log (the journal under systemd), at the configured level and
/// at most <see cref="ProviderLogSettings.MaxLines"/> per <see cref="ProviderLogSettings.Per"/>: a chatty or looping
/// provider cannot flood the journal. What is held back stays in the provider's file, and the journal is told how many
/// lines it missed. Lines arrive already masked (<see cref="Logging.RotatingLogFile.Sanitize"/>), one call at a time.
/// </summary>
internal sealed partial class ProviderJournal(string name, string logPath, ProviderLogSettings settings, TimeProvider clock, ILogger logger)
{
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _copied;
    private int _held;

    /// <summary>Copies <paramref name="sanitizedLine"/> unless this window's quota is used up.</summary>
    public void Write(string sanitizedLine)
    {
        if (!settings.Journal)
        {
            return;
        }

        var now = clock.GetUtcNow();
        if (now - _windowStart >= settings.Per)
        {
            Flush();
            _windowStart = now;
            _copied = 0;
        }

        if (_copied < settings.MaxLines)
        {
            _copied++;
            LogLine(settings.Level, name, sanitizedLine);
        }
        else
        {
            _held++;
        }
    }

    /// <summary>Says how many lines were held back, if any (at the end of a window, and when the process starts or exits).</summary>
    public void Flush()
    {
        if (_held > 0)
        {
            LogHeldBack(name, _held, settings.MaxLines, settings.Per, logPath);
            _held = 0;
        }
    }

    [LoggerMessage(Message = "{Name}: {Line}")]
    private partial void LogLine(LogLevel level, string name, string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name}: {Count} output lines not copied to the journal (at most {MaxLines} per {Per}); all are in {LogPath}")]
    private partial void LogHeldBack(string name, int count, int maxLines, TimeSpan per, string logPath);
}
