using System.Net;

namespace Fleet.Api.Startup;

/// <summary>
/// Reverse proxies whose <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> the API believes (section <c>Http</c>). Empty
/// by default: forwarded headers are then ignored and the client address is the connection's.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "Http";

    /// <summary>Addresses of trusted proxies, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR form, e.g. <c>172.18.0.0/16</c> (a compose network).</summary>
    public List<string> TrustedNetworks { get; set; } = [];

    /// <summary>How many proxies in a row are read from <c>X-Forwarded-For</c>, from the right.</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool IsEnabled => TrustedProxies.Count > 0 || TrustedNetworks.Count > 0;

    /// <summary>A message naming the key and the fix, or null when valid.</summary>
    public string? Validate()
    {
        foreach (var proxy in TrustedProxies)
        {
            if (!IPAddress.TryParse(proxy, out _))
            {
                return $"Http:TrustedProxies: '{proxy}' is not an IP address; give addresses such as 10.0.0.5 (networks go in Http:TrustedNetworks).";
            }
        }

        foreach (var network in TrustedNetworks)
        {
            if (!IPNetwork.TryParse(network, out _))
            {
                return $"Http:TrustedNetworks: '{network}' is not a network in CIDR form; give e.g. 172.18.0.0/16.";
            }
        }

        return ForwardLimit is < 1 or > 10 ? "Http:ForwardLimit must be between 1 and 10." : null;
    }
}
