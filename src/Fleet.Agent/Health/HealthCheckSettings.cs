namespace Fleet.Agent.Health;

/// <summary>One operator-defined check (an entry of Agent:Health:Checks): exactly one of <see cref="Command"/> and <see cref="Url"/>.</summary>
public sealed class HealthCheckSettings
{
    /// <summary>Shown in the views and the history: 1 to 64 printable characters, unique.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>
    /// The program and its arguments, run without a shell. Exit 0 is ok, 1 warn, anything else fail; a first line
    /// "OK|WARN|FAIL text [number]" gives the text and the number, and the worse of the word and the exit code counts.
    /// </summary>
    public List<string> Command { get; set; } = [];

    /// <summary>An http(s) URL: a 2xx answer is ok, anything else (or none) fail.</summary>
    public string? Url { get; set; }

    /// <summary>The longest one run may take; a command still running then is killed with its children ("timed out").</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the check runs (jittered by up to −10 %: a change is seen within one interval).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(60);
}
