namespace Fleet.Api.Data;

/// <summary>One detector: operator metadata, the newest applied state and the presence the API computes.</summary>
public sealed class DetectorRecord
{
    public required string Id { get; set; }

    public string? Name { get; set; }

    public List<string> Tags { get; set; } = [];

    public string? Notes { get; set; }

    public string? Location { get; set; }

    /// <summary>Presence in its wire name: unknown, online, offline or lost.</summary>
    public string Status { get; set; } = "unknown";

    public long? StatusEpoch { get; set; }

    public DateTimeOffset? StatusSince { get; set; }

    public DateTimeOffset? LastSeenAt { get; set; }

    public long? Epoch { get; set; }

    public long? Seq { get; set; }

    /// <summary>When the newest state was applied, on the API's clock; the epoch reset window counts from it.</summary>
    public DateTimeOffset? StateAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public int? HeartbeatSeconds { get; set; }

    public string? ProviderKind { get; set; }

    public string? ProviderVersion { get; set; }

    public string? ProviderState { get; set; }

    public int? ProviderRestarts { get; set; }

    public string? ProviderError { get; set; }

    /// <summary>Why the active provider is active: preferred, or failover: &lt;code or reason&gt; (the state's provider.reason).</summary>
    public string? ProviderReason { get; set; }

    /// <summary>Since when the provider is active, on the agent's clock (provider.since).</summary>
    public DateTimeOffset? ProviderSince { get; set; }

    /// <summary>The ngrok account fingerprint (provider.ngrokAccount, sha256:…), kept while ngrok is in the chain.</summary>
    public string? NgrokAccount { get; set; }

    public string? AgentVersion { get; set; }

    public string? AgentHostname { get; set; }

    public string? AgentOs { get; set; }

    public string? AgentArch { get; set; }

    public DateTimeOffset? AgentStartedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// The reachability summary of the tunnels' checks and probes (reachable, degraded, unreachable, unknown), kept by
    /// whoever writes a check or a probe result, so that lists can filter on it; the views show it as unknown while
    /// the detector is not online (Fleet.Domain reachability rules).
    /// </summary>
    public string Reachability { get; set; } = "unknown";

    /// <summary>When <see cref="Reachability"/> took its current value (API clock).</summary>
    public DateTimeOffset? ReachabilitySince { get; set; }

    /// <summary>
    /// The agent installation's incarnation id (state and status messages), new whenever its state directory is new (a
    /// re-flashed card): a new one starts a new ordering life even at an equal or lower epoch. The one it replaced is
    /// kept so that late messages of the old life are recognised as such.
    /// </summary>
    public string? Instance { get; set; }

    public string? PreviousInstance { get; set; }

    /// <summary>The newest applied state's health status (ok, warn, fail; null when it carried none), for the list filter.</summary>
    public string? HealthStatus { get; set; }

    /// <summary>The newest applied state's <c>health</c> section as its JSON (Health/HealthRecords), shown as it came.</summary>
    public string? Health { get; set; }

    /// <summary>
    /// A fingerprint of the stored tunnels (see Ingest/TunnelFingerprint): a state whose tunnels have the same one is
    /// a heartbeat for the tunnels table and leaves it alone. Compared inside the writing transaction, never with
    /// a cache, because several API instances share the database.
    /// </summary>
    public string? TunnelsHash { get; set; }

    /// <summary>
    /// Stamped by the database on every write of the row or of its tunnels (a trigger, see the ReadVersions
    /// migration), never by the application: the ETag of <c>GET /detectors/{id}</c>, and the high-water mark of lists.
    /// </summary>
    public long Version { get; set; }

    public List<TunnelRecord> Tunnels { get; set; } = [];
}
