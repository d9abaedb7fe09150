namespace Fleet.Agent.Configuration;

/// <summary><c>ssh -N -R {RemotePort}:localhost:{LocalPort} {User}@{Relay}</c> to a server of one's own.</summary>
public sealed class ReverseSshSettings
{
    public string Binary { get; set; } = "ssh";

    public string? Relay { get; set; }

    public string? User { get; set; }

    public int RelayPort { get; set; } = 22;

    public int RemotePort { get; set; }

    public int LocalPort { get; set; } = 22;

    public string? IdentityFile { get; set; }

    /// <summary>What detectors report, e.g. ssh://relay.example.org:2222 or tcp://relay.example.org:2222.</summary>
    public string? PublicUrl { get; set; }

    public string TunnelName { get; set; } = "ssh";

    public TimeSpan RestartMinDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RestartMaxDelay { get; set; } = TimeSpan.FromMinutes(5);
}
