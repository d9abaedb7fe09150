using System.Net;

namespace Fleet.Domain.Validation;

/// <summary>
/// Operator settings for tunnel URLs. <see cref="AllowedHostSuffixes"/>: when not empty, a host name must end with one
/// of them (e.g. ".ngrok-free.app"). <see cref="AllowedNetworks"/>: address ranges the operator opts into (a lab LAN's
/// 192.168.1.0/24, a static provider's fixed address as /32); a literal address inside one is accepted even when it
/// is private and even outside the host-suffix list. Loopback, link-local, multicast and metadata addresses stay
/// refused whatever either list says.
/// </summary>
public sealed record UrlPolicy(IReadOnlyList<string> AllowedHostSuffixes, IReadOnlyList<IPNetwork> AllowedNetworks)
{
    public UrlPolicy(IReadOnlyList<string> allowedHostSuffixes)
        : this(allowedHostSuffixes, [])
    {
    }

    /// <summary>No allow-list and no private network opted into: only the fixed rules apply.</summary>
    public static UrlPolicy Open { get; } = new([]);

    /// <summary>
    /// Every network opted into: private addresses pass, loopback, link-local, multicast and metadata still do not.
    /// For a detector checking its own configuration, which cannot know what the API's operator has allowed.
    /// </summary>
    public static UrlPolicy AnyNetwork { get; } = new([], [IPNetwork.Parse("0.0.0.0/0"), IPNetwork.Parse("::/0")]);

    /// <summary>Parses "192.168.1.0/24" or a bare address (a /32 or /128); null when the text is neither.</summary>
    public static IPNetwork? ParseNetwork(string text)
    {
        var trimmed = text.Trim();
        if (IPNetwork.TryParse(trimmed, out var network))
        {
            return network;
        }

        return IPAddress.TryParse(trimmed, out var address) && !trimmed.Contains('/', StringComparison.Ordinal)
            ? new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
            : null;
    }

    internal bool InAllowedNetwork(IPAddress address) => AllowedNetworks.Any(network => network.Contains(address));
}
