using Fleet.Api.Data;
using Fleet.Domain.Messages;
using Fleet.Domain.Validation;

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
                // ASCII (punycode) even for a row stored before ingest normalised hosts; look-alike hosts are marked.
                Name = t.Name, Url = UrlRules.ToAscii(t.Url) ?? t.Url, Proto = t.Proto, Upstream = t.Upstream, Since = t.Since,
                Warnings = UrlRules.Warnings(t.Url) is { Count: > 0 } warnings ? warnings : null,
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
