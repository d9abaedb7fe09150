using System.Net;
using Fleet.Domain.Validation;

namespace Fleet.Api.Reachability;

/// <summary>What <see cref="ProbeEgress"/> decided for one URL: refuse, report a DNS failure, or connect (directly to a checked address, or through the proxy).</summary>
internal abstract record EgressDecision
{
    private EgressDecision()
    {
    }

    /// <summary>The URL or an address it resolved to may not be connected to; no connection is made.</summary>
    public sealed record Refused(string Reason, string Detail) : EgressDecision;

    /// <summary>The name did not resolve.</summary>
    public sealed record DnsFailed(string Detail) : EgressDecision;

    /// <summary>Connect to exactly <paramref name="Address"/>, the address that was checked.</summary>
    public sealed record Direct(UrlTarget Target, IPAddress Address) : EgressDecision;

    /// <summary>Send through the environment's proxy, which resolves the name itself (the rules applied to the name only).</summary>
    public sealed record Proxied(UrlTarget Target) : EgressDecision;
}
