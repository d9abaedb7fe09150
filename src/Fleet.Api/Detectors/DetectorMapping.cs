using Fleet.Api.Data;
using Fleet.Api.Health;
using Fleet.Domain.Messages;
using Fleet.Domain.Reachability;
using Fleet.Domain.Validation;

namespace Fleet.Api.Detectors;

internal static class DetectorMapping
{
    public static DetectorView ToView(this DetectorRecord d)
    {
        var status = PresenceNames.TryParse(d.Status, out var presence) ? presence : Presence.Unknown;
        List<TunnelView> tunnels = [.. d.Tunnels.OrderBy(t => t.Name, StringComparer.Ordinal).Select(ToView)];
        return new DetectorView
        {
            Id = d.Id,
            Name = d.Name,
            Tags = d.Tags,
            Notes = d.Notes,
            Location = d.Location,
            Status = status,
            StatusSince = d.StatusSince,
            LastSeenAt = d.LastSeenAt,
            Tunnels = tunnels,
            Reachability = ReachabilityForView.Of(status, d.Reachability, EvidenceAt(d), tunnels),
            Provider = d.ProviderKind is null ? null : new ProviderReport
            {
                Kind = d.ProviderKind,
                Version = d.ProviderVersion,
                State = d.ProviderState,
                Restarts = d.ProviderRestarts ?? 0,
                Error = d.ProviderError,
                Reason = d.ProviderReason,
                Since = d.ProviderSince,
                NgrokAccount = d.NgrokAccount,
            },
            Agent = d.AgentVersion is null && d.AgentHostname is null && d.AgentOs is null && d.AgentArch is null
                ? null
                : new AgentReport
                {
                    Version = d.AgentVersion, Hostname = d.AgentHostname, Os = d.AgentOs, Arch = d.AgentArch, StartedAt = d.AgentStartedAt,
                },
            Health = HealthRecords.Parse(d.Health),
            Epoch = d.Epoch,
            Seq = d.Seq,
            Links = DetectorLinks.For(d.Id),
        };
    }

    public static TunnelView ToView(this TunnelRecord t) => new()
    {
        // ASCII (punycode) even for a row stored before ingest normalised hosts; look-alike hosts are marked.
        Name = t.Name, Url = UrlRules.ToAscii(t.Url) ?? t.Url, Proto = t.Proto, Upstream = t.Upstream, Since = t.Since,
        Warnings = UrlRules.Warnings(t.Url) is { Count: > 0 } warnings ? warnings : null,
        Check = t.CheckOutcome is null ? null : new TunnelCheck
        {
            Outcome = t.CheckOutcome, Code = t.CheckCode, HttpStatus = t.CheckHttpStatus, LatencyMs = t.CheckLatencyMs, CheckedAt = t.CheckAt,
        },
        Probe = t.ProbeOutcome is null ? null : new TunnelCheck
        {
            Outcome = t.ProbeOutcome, Code = t.ProbeCode, HttpStatus = t.ProbeHttpStatus, LatencyMs = t.ProbeLatencyMs, CheckedAt = t.ProbeAt,
        },
    };

    /// <summary>
    /// When the evidence was last refreshed, on the API's clock: the newest applied state when it carried checks (an
    /// unchanged check rides every heartbeat, so the state's time is the check's), or the newest probe, whichever is
    /// later. The agent's own check times are its clock, informational only, so they do not count.
    /// </summary>
    private static DateTimeOffset? EvidenceAt(DetectorRecord d)
    {
        DateTimeOffset? newest = d.Tunnels.Any(t => t.CheckOutcome is not null) ? d.StateAt : null;
        foreach (var tunnel in d.Tunnels)
        {
            if (tunnel.ProbeAt is { } probed && (newest is null || probed > newest))
            {
                newest = probed;
            }
        }

        return newest;
    }
}
