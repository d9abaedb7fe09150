namespace Fleet.Agent.Health;

/// <summary>Detector health (section Agent:Health): the Pi's facts and the operator's checks, in the state's <c>health</c>.</summary>
public sealed class HealthSettings
{
    /// <summary>False leaves the <c>health</c> section out of the state (no facts read, no checks run).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the facts are read again (uptime, disk, load, memory, temperature, throttling, public IP).</summary>
    public TimeSpan FactsInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A URL whose answer is the Pi's public IP as plain text (e.g. https://api.ipify.org). Empty (the default): the fact
    /// is left out and nothing is asked of anyone.
    /// </summary>
    public string? PublicIpUrl { get; set; }

    /// <summary>The operator's checks, each a command (argv, no shell) or an HTTP URL.</summary>
    public List<HealthCheckSettings> Checks { get; set; } = [];
}
