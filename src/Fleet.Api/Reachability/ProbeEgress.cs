using System.Net;
using System.Net.Sockets;
using Fleet.Api.Ingest;
using Fleet.Api.Links;
using Fleet.Domain.Validation;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Reachability;

/// <summary>
/// The probe's egress policy, the one place that decides whether and where the API may connect for a device's URL:
/// the URL rules (<see cref="UrlRules"/>, with the operator's host-suffix allow-list), then the name is resolved once
/// and every address it resolved to must pass <see cref="EgressRules"/> (Probe:AllowedNetworks may name a range); the
/// probe then connects to the first of those checked addresses and never resolves again, so a DNS answer that
/// changes between two lookups (rebinding) cannot lead it elsewhere.
/// <para>
/// When the environment's proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) applies to the URL, the proxy resolves the name and
/// the API cannot see the address: then the rules apply to the name and to a literal address only, and the proxy is
/// trusted to be the operator's own egress.
/// </para>
/// </summary>
internal sealed class ProbeEgress(IProbeResolver resolver, ProbeProxy proxy, IOptions<ProbeOptions> options, IOptions<IngestOptions> ingest)
{
    /// <summary>Refusal reasons besides the address ranges' <see cref="AddressLabels"/>.</summary>
    public const string BadUrl = "url";
    public const string Scheme = "scheme";
    public const string UrlRule = "url-rule";

    private readonly IReadOnlyList<IPNetwork> _networks =
        [.. options.Value.AllowedNetworks.Select(n => UrlPolicy.ParseNetwork(n)).OfType<IPNetwork>()];

    // The URL rule as ingest applies it (so a fixed address the operator listed in Ingest:AllowedNetworks passes the
    // host-suffix list here too), plus the probe's networks; which non-public address may be connected to is decided
    // by EgressRules with Probe:AllowedNetworks alone, before and after this rule.
    private UrlPolicy Policy => _policy ??= Build();

    private UrlPolicy? _policy;

    private UrlPolicy Build()
    {
        var tunnels = TunnelUrlPolicy.For(ingest.Value);
        return new(tunnels.AllowedHostSuffixes, [.. tunnels.AllowedNetworks, .. _networks]);
    }

    public async Task<EgressDecision> DecideAsync(string url, CancellationToken cancellationToken)
    {
        if (UrlRules.Target(url) is not { } target)
        {
            return new EgressDecision.Refused(BadUrl, "the url's shape is not one the contract allows");
        }

        if (target.Scheme is not ("http" or "https" or "tcp"))
        {
            return new EgressDecision.Refused(Scheme, $"{target.Scheme} urls are not probed");
        }

        if (target.Address is { } literal && EgressRules.Check(literal, _networks) is { } literalRefusal)
        {
            return new EgressDecision.Refused(literalRefusal.Reason, literalRefusal.Detail);
        }

        if (UrlRules.Validate(url, Policy) is { } why)
        {
            return new EgressDecision.Refused(UrlRule, why);
        }

        if (target.Scheme != "tcp" && proxy.Applies(new Uri(url)))
        {
            return new EgressDecision.Proxied(target);
        }

        if (target.Address is { } address)
        {
            return new EgressDecision.Direct(target, address);
        }

        IPAddress[] addresses;
        try
        {
            addresses = await resolver.ResolveAsync(target.Host, target.Port, cancellationToken);
        }
        catch (SocketException ex)
        {
            return new EgressDecision.DnsFailed(ex.SocketErrorCode.ToString());
        }

        if (addresses.Length == 0)
        {
            return new EgressDecision.DnsFailed("no addresses");
        }

        // Every answer is checked, not only the one used: a name that mixes a public and an internal address is refused.
        foreach (var resolved in addresses)
        {
            if (EgressRules.Check(resolved, _networks) is { } refusal)
            {
                return new EgressDecision.Refused(refusal.Reason, $"{target.Host} resolves to {refusal.Detail}");
            }
        }

        return new EgressDecision.Direct(target, addresses[0]);
    }
}
