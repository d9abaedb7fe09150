namespace Fleet.Domain.Messages;

/// <summary>The outcomes of a tunnel check (agent) or probe (API), in their wire names.</summary>
public static class CheckOutcomes
{
    /// <summary>The URL answered (any HTTP status from the detector's own service counts, a TCP connect for tcp).</summary>
    public const string Ok = "ok";

    /// <summary>Nothing answers behind the tunnel: the local service on the Pi is down (ngrok: ERR_NGROK_8012).</summary>
    public const string UpstreamDown = "upstream-down";

    /// <summary>The provider's edge has no live endpoint for this URL (ngrok: ERR_NGROK_3200).</summary>
    public const string EndpointOffline = "endpoint-offline";

    /// <summary>The provider's edge answered with another error of its own (e.g. ERR_NGROK_3004) or an unexpected page.</summary>
    public const string EdgeError = "edge-error";

    public const string Timeout = "timeout";

    public const string TlsError = "tls-error";

    public const string DnsError = "dns-error";

    /// <summary>API probe only: the address is not one the probe may connect to (its rules refused it); not a failure of the tunnel.</summary>
    public const string Refused = "refused";

    public static IReadOnlyList<string> All { get; } =
        [Ok, UpstreamDown, EndpointOffline, EdgeError, Timeout, TlsError, DnsError, Refused];

    /// <summary>Whether the outcome says the URL does not answer (unknown outcomes from newer agents count as failing).</summary>
    public static bool IsFailure(string outcome) => outcome is not (Ok or Refused);
}
