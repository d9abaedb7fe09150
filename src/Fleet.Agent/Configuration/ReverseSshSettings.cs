namespace Fleet.Agent.Configuration;

/// <summary>
/// <c>ssh -N -R {RemoteBindAddress}:{RemotePort}:localhost:{LocalPort} {User}@{Relay}</c> to a relay of one's own
/// (infra/relay sets one up for a fleet).
/// </summary>
public sealed class ReverseSshSettings
{
    public string Binary { get; set; } = "ssh";

    public string? Relay { get; set; }

    public string? User { get; set; }

    public int RelayPort { get; set; } = 22;

    /// <summary>The detector's port on the relay; one per detector (infra/relay's add-key restricts the key to it).</summary>
    public int RemotePort { get; set; }

    /// <summary>
    /// Where the relay listens for the forward: <c>*</c> (every interface, so the port is public; needs
    /// <c>GatewayPorts clientspecified</c> on the relay) or one address of the relay's.
    /// </summary>
    public string RemoteBindAddress { get; set; } = "*";

    public int LocalPort { get; set; } = 22;

    public string? IdentityFile { get; set; }

    /// <summary>Where ssh keeps the relay's host key (first connection accepted, a changed key refused); default in the state directory.</summary>
    public string? KnownHostsFile { get; set; }

    /// <summary>What the forwarded service speaks: <c>ssh</c>, <c>tcp</c> or <c>http</c>; default ssh for local port 22, else tcp.</summary>
    public string? Proto { get; set; }

    /// <summary>What detectors report, e.g. ssh://relay.example.org:2222; default {Proto}://{Relay}:{RemotePort}.</summary>
    public string? PublicUrl { get; set; }

    public string TunnelName { get; set; } = "ssh";

    public TimeSpan RestartMinDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RestartMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Check from the Pi that relay:RemotePort answers before reporting running. Off only for a forward that is reachable
    /// on the relay itself (RemoteBindAddress localhost, visitors come through <c>ssh -J relay</c>): running then means
    /// the relay accepted the forward.
    /// </summary>
    public bool Probe { get; set; } = true;

    /// <summary>How long one check that the relay's port answers may take.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first wait before checking the relay's port again after it did not answer (doubling up to <see cref="ProbeMaxDelay"/>).</summary>
    public TimeSpan ProbeMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ProbeMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The protocol published with the URL.</summary>
    public string EffectiveProto => Proto ?? (LocalPort == 22 ? "ssh" : "tcp");

    /// <summary>The URL detectors report: <see cref="PublicUrl"/>, else the relay's address and the detector's port.</summary>
    public string? EffectivePublicUrl => PublicUrl ?? (string.IsNullOrWhiteSpace(Relay) ? null : $"{EffectiveProto}://{HostForUrl(Relay)}:{RemotePort}");

    public string EffectiveKnownHostsFile(string stateDirectory) => KnownHostsFile ?? Path.Combine(stateDirectory, "ssh_known_hosts");

    private static string HostForUrl(string host) => host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
}
