using System.Net;

namespace Fleet.Domain.Validation;

/// <summary>
/// The rule for an address a server is about to connect to because a device named it (the API's reachability probe):
/// the resolved address, not only the name, must be public. This reuses <see cref="AddressRules"/>' ranges, the same
/// ones the URL rules apply to literal addresses, so a range is listed once for both.
/// </summary>
public static class EgressRules
{
    /// <summary>
    /// Null when a connection to <paramref name="address"/> is allowed; otherwise why not. An address in
    /// <paramref name="allowedNetworks"/> (itself or the IPv4 address it carries) is allowed whatever its range, so a
    /// test or an on-premise relay can name a range explicitly; a cloud metadata address never is.
    /// </summary>
    public static EgressRefusal? Check(IPAddress address, IReadOnlyList<IPNetwork> allowedNetworks)
    {
        var verdict = AddressRules.Classify(address);
        if (verdict.Label == AddressLabels.Metadata)
        {
            return new(verdict.Label, $"{address} is {verdict.Why}");
        }

        if (verdict.Class == AddressClass.Public || InAny(address, allowedNetworks))
        {
            return null;
        }

        return new(verdict.Label, $"{address} is {verdict.Why}");
    }

    private static bool InAny(IPAddress address, IReadOnlyList<IPNetwork> networks) =>
        networks.Any(n => n.Contains(address)) || AddressRules.Embedded(address).Any(e => networks.Any(n => n.Contains(e.Address)));
}

/// <summary>Why an egress was refused: <paramref name="Reason"/> is short and stable (<see cref="AddressLabels"/>), <paramref name="Detail"/> for a log.</summary>
public sealed record EgressRefusal(string Reason, string Detail);
