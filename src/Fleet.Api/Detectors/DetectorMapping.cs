using Fleet.Api.Data;
using Fleet.Domain.Messages;

namespace Fleet.Api.Detectors;

internal static class DetectorMapping
{
    public static DetectorView ToView(this DetectorRecord d)
    {
        var status = PresenceNames.TryParse(d.Status, out var presence) ? presence : Presence.Unknown;
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
            Tunnels = [.. d.Tunnels.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => new TunnelView
            {
                Name = t.Name, Url = t.Url, Proto = t.Proto, Upstream = t.Upstream, Since = t.Since,
            })],
            Provider = d.ProviderKind is null ? null : new ProviderReport
            {
                Kind = d.ProviderKind,
                Version = d.ProviderVersion,
                State = d.ProviderState,
                Restarts = d.ProviderRestarts ?? 0,
                Error = d.ProviderError,
            },
            Agent = d.AgentVersion is null && d.AgentHostname is null && d.AgentOs is null && d.AgentArch is null
                ? null
                : new AgentReport
                {
                    Version = d.AgentVersion, Hostname = d.AgentHostname, Os = d.AgentOs, Arch = d.AgentArch, StartedAt = d.AgentStartedAt,
                },
            Epoch = d.Epoch,
            Seq = d.Seq,
            Links = DetectorLinks.For(d.Id),
        };
    }
}
