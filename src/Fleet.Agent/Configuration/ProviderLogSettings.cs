namespace Fleet.Agent.Configuration;

/// <summary>
/// What of a provider's own output (ngrok, cloudflared, ssh) goes to the agent's log, and so to the journal, besides the
/// rotated file in Agent:LogDirectory (section Agent:ProviderLog).
/// </summary>
public sealed class ProviderLogSettings
{
    /// <summary>False keeps provider output in the files only.</summary>
    public bool Journal { get; set; } = true;

    /// <summary>Debug or Information: the level of the copied lines (Debug hides them under the default log level).</summary>
    public LogLevel Level { get; set; } = LogLevel.Information;

    /// <summary>At most this many lines per provider per <see cref="Per"/> reach the journal; the rest only the file.</summary>
    public int MaxLines { get; set; } = 60;

    /// <summary>The window of <see cref="MaxLines"/>.</summary>
    public TimeSpan Per { get; set; } = TimeSpan.FromMinutes(1);
}
