namespace Fleet.Agent.Configuration;

/// <summary>Reachability checks of every tunnel from the Pi (section Agent:Checks).</summary>
public sealed class CheckSettings
{
    /// <summary>False turns the checks off: the state then carries no <c>check</c> per tunnel.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often each tunnel is checked (jittered by ±10 %); a URL change is checked at once.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest one check may take (connect, TLS, answer and the first few KiB of the body).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// For tests and staging only: "host:port:address[,address…]" (curl's --resolve) or "host:port:address:port" (curl's
    /// --connect-to), so that a public name is checked against a stand-in. Host may be "*" or "*.suffix", port "*"; the
    /// syntax and which rule wins are Fleet.Domain's ResolveRules.
    /// </summary>
    public List<string> Resolve { get; set; } = [];

    /// <summary>Extra CAs (PEM) trusted for the public URLs, besides the system's: a staging edge with its own CA.</summary>
    public string? CaFile { get; set; }
}
