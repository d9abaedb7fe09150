using System.Net;
using Fleet.Domain.Reachability;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Reachability;

/// <summary>Probe:Resolve's fixed answers first (staging, tests; the most specific rule wins, as in curl), else the system's resolver.</summary>
internal sealed class ProbeResolver(IOptions<ProbeOptions> options) : IProbeResolver
{
    private readonly ResolveTable _rules = new(options.Value.Resolve.Select(ResolveRules.Parse));

    public Task<IPAddress[]> ResolveAsync(string host, int port, CancellationToken cancellationToken) =>
        _rules.Match(host, port) is { } rule
            ? Task.FromResult(rule.Addresses.ToArray())
            : Dns.GetHostAddressesAsync(host, cancellationToken);
}
