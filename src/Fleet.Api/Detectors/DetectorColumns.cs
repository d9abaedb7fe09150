using Fleet.Api.Data;

namespace Fleet.Api.Detectors;

/// <summary>
/// The columns of a detector row with its tunnel, as the read statements select them (<see cref="DetectorReadSql"/>)
/// and as <see cref="DetectorReader"/> reads them: one map for both. <see cref="Select"/> is built from the ordinals
/// below and refuses to build if one is out of place, so the SQL and the reader cannot drift apart.
/// </summary>
internal static class DetectorColumns
{
    public const int Id = 0;
    public const int Name = 1;
    public const int Tags = 2;
    public const int Notes = 3;
    public const int Location = 4;
    public const int Status = 5;
    public const int StatusSince = 6;
    public const int LastSeenAt = 7;
    public const int Epoch = 8;
    public const int Seq = 9;
    public const int ProviderKind = 10;
    public const int ProviderVersion = 11;
    public const int ProviderState = 12;
    public const int ProviderRestarts = 13;
    public const int ProviderError = 14;
    public const int AgentVersion = 15;
    public const int AgentHostname = 16;
    public const int AgentOs = 17;
    public const int AgentArch = 18;
    public const int AgentStartedAt = 19;
    public const int Version = 20;
    public const int StateAt = 21;
    public const int Reachability = 22;
    public const int ReachabilitySince = 23;
    public const int HealthStatus = 24;
    public const int Health = 25;
    public const int TunnelName = 26;
    public const int TunnelUrl = 27;
    public const int TunnelProto = 28;
    public const int TunnelUpstream = 29;
    public const int TunnelSince = 30;
    public const int CheckOutcome = 31;
    public const int CheckCode = 32;
    public const int CheckHttpStatus = 33;
    public const int CheckLatencyMs = 34;
    public const int CheckAt = 35;
    public const int ProbeOutcome = 36;
    public const int ProbeCode = 37;
    public const int ProbeHttpStatus = 38;
    public const int ProbeLatencyMs = 39;
    public const int ProbeAt = 40;
    public const int ProviderReason = 41;
    public const int ProviderSince = 42;
    public const int NgrokAccount = 43;

    /// <summary>The select list: the detector <c>d</c>, then its tunnel <c>t</c> (NULLs when it has none).</summary>
    public static string Select { get; } = ColumnList.Of(
        (Id, "d.id"), (Name, "d.name"), (Tags, "d.tags"), (Notes, "d.notes"), (Location, "d.location"),
        (Status, "d.status"), (StatusSince, "d.status_since"), (LastSeenAt, "d.last_seen_at"), (Epoch, "d.epoch"), (Seq, "d.seq"),
        (ProviderKind, "d.provider_kind"), (ProviderVersion, "d.provider_version"), (ProviderState, "d.provider_state"),
        (ProviderRestarts, "d.provider_restarts"), (ProviderError, "d.provider_error"),
        (AgentVersion, "d.agent_version"), (AgentHostname, "d.agent_hostname"), (AgentOs, "d.agent_os"), (AgentArch, "d.agent_arch"),
        (AgentStartedAt, "d.agent_started_at"), (Version, "d.version"),
        (StateAt, "d.state_at"), (Reachability, "d.reachability"), (ReachabilitySince, "d.reachability_since"),
        (HealthStatus, "d.health_status"), (Health, "d.health"),
        (TunnelName, "t.name AS tunnel_name"), (TunnelUrl, "t.url AS tunnel_url"), (TunnelProto, "t.proto AS tunnel_proto"),
        (TunnelUpstream, "t.upstream AS tunnel_upstream"), (TunnelSince, "t.since AS tunnel_since"),
        (CheckOutcome, "t.check_outcome"), (CheckCode, "t.check_code"), (CheckHttpStatus, "t.check_http_status"),
        (CheckLatencyMs, "t.check_latency_ms"), (CheckAt, "t.check_at"),
        (ProbeOutcome, "t.probe_outcome"), (ProbeCode, "t.probe_code"), (ProbeHttpStatus, "t.probe_http_status"),
        (ProbeLatencyMs, "t.probe_latency_ms"), (ProbeAt, "t.probe_at"),
        (ProviderReason, "d.provider_reason"), (ProviderSince, "d.provider_since"), (NgrokAccount, "d.ngrok_account"));
}
