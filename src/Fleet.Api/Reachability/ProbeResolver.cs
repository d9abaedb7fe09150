using System.Net;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Reachability;

/// <summary>Probe:Resolve's fixed answers first (staging, tests), else the system's resolver.</summary>
internal sealed class ProbeResolver(IOptions<ProbeOptions> options) : IProbeResolver
{
    private readonly Dictionary<(string Host, int Port), IPAddress[]> _fixed = options.Value.Resolve
        .Select(ResolveEntry.Parse)
        .OfType<ResolveEntry>()
        .GroupBy(e => (e.Host, e.Port))
        .ToDictionary(g => g.Key, g => g.SelectMany(e => e.Addresses).ToArray());

    public Task<IPAddress[]> ResolveAsync(string host, int port, CancellationToken cancellationToken) =>
        _fixed.TryGetValue((host, port), out var addresses)
            ? Task.FromResult(addresses)
            : Dns.GetHostAddressesAsync(host, cancellationToken);
}
