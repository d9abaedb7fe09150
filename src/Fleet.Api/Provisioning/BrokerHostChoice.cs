using System.Net;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Provisioning;

/// <summary>
/// Which broker host a provisioned agent configuration names. The request's Host header is the client's to write: a
/// spoofed one would send the detector (and its new password) to the attacker's broker. So the host is
/// Provisioning:BrokerHost; without it, the request's Host only when host filtering (AllowedHosts) has vetted it, or
/// when it names this machine's loopback interface (the detector then points at the machine it runs on, never at a
/// stranger); otherwise provisioning is refused with a problem that says what to set.
/// </summary>
internal static class BrokerHostChoice
{
    public const string Refusal =
        "Set Provisioning:BrokerHost to the name detectors use to reach the broker (or restrict AllowedHosts): " +
        "without either, the API will not copy the request's Host header into an agent configuration.";

    /// <summary>The host to write, or null to refuse.</summary>
    public static string? For(HttpRequest request, ProvisioningOptions provisioning, HostFilteringOptions filtering)
    {
        if (provisioning.BrokerHost is { Length: > 0 } configured)
        {
            return configured;
        }

        var host = request.Host.Host;
        if (string.IsNullOrEmpty(host))
        {
            return null;
        }

        var filtered = filtering.AllowedHosts is { Count: > 0 } allowed && !allowed.Any(h => h is "*" or "");
        return filtered || IsLoopback(host) ? host : null;
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
