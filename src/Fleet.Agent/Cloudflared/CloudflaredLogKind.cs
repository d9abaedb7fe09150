namespace Fleet.Agent.Cloudflared;

/// <summary>What one line of cloudflared's output means to the agent; most lines mean nothing.</summary>
internal enum CloudflaredLogKind
{
    Other,

    /// <summary>"Version 2026.8.2 (Checksum …)", printed at start.</summary>
    Version,

    /// <summary>The quick tunnel exists (its hostname is now on /quicktunnel).</summary>
    QuickTunnelCreated,

    /// <summary>"Registered tunnel connection": the edge takes traffic for the tunnel.</summary>
    Connected,

    /// <summary>A connection to the edge went away; cloudflared reconnects by itself.</summary>
    Disconnected,

    /// <summary>A failure the operator must hear about, in words (<see cref="CloudflaredLogEvent.Words"/>).</summary>
    Error,
}
