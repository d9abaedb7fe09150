using System.Net;
using System.Net.Sockets;

namespace Fleet.Domain.Validation;

/// <summary>
/// Where an address leads, by its range: the part of the URL rule that decides whether a redirect to a literal
/// address could land on the API's own machine, its LAN or a cloud metadata service. IPv6 forms that carry an IPv4
/// address (mapped, compatible, NAT64, 6to4, Teredo) are judged by the address they carry.
/// </summary>
internal static class AddressRules
{
    private static readonly IPAddress[] MetadataAddresses =
    [
        IPAddress.Parse("169.254.169.254"),
        IPAddress.Parse("100.100.100.200"),
        IPAddress.Parse("fd00:ec2::254"),
    ];

    private static readonly (IPNetwork Network, AddressClass Class, string Why, string Label)[] V4Ranges =
    [
        (IPNetwork.Parse("0.0.0.0/8"), AddressClass.Forbidden, "unspecified (0.0.0.0/8)", AddressLabels.Unspecified),
        (IPNetwork.Parse("127.0.0.0/8"), AddressClass.Forbidden, "loopback", AddressLabels.Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), AddressClass.Forbidden, "link-local", AddressLabels.LinkLocal),
        (IPNetwork.Parse("224.0.0.0/4"), AddressClass.Forbidden, "multicast", AddressLabels.Multicast),
        (IPNetwork.Parse("240.0.0.0/4"), AddressClass.Forbidden, "reserved or broadcast", AddressLabels.Reserved),
        (IPNetwork.Parse("10.0.0.0/8"), AddressClass.Private, "private (10.0.0.0/8)", AddressLabels.Private),
        (IPNetwork.Parse("172.16.0.0/12"), AddressClass.Private, "private (172.16.0.0/12)", AddressLabels.Private),
        (IPNetwork.Parse("192.168.0.0/16"), AddressClass.Private, "private (192.168.0.0/16)", AddressLabels.Private),
        (IPNetwork.Parse("100.64.0.0/10"), AddressClass.Private, "carrier-grade NAT (100.64.0.0/10)", AddressLabels.CarrierGradeNat),
        (IPNetwork.Parse("192.0.0.0/24"), AddressClass.Private, "IETF protocol assignments (192.0.0.0/24)", AddressLabels.SpecialPurpose),
        (IPNetwork.Parse("198.18.0.0/15"), AddressClass.Private, "benchmarking (198.18.0.0/15)", AddressLabels.SpecialPurpose),
    ];

    private static readonly (IPNetwork Network, AddressClass Class, string Why, string Label)[] V6Ranges =
    [
        (IPNetwork.Parse("fe80::/10"), AddressClass.Forbidden, "link-local", AddressLabels.LinkLocal),
        (IPNetwork.Parse("ff00::/8"), AddressClass.Forbidden, "multicast", AddressLabels.Multicast),
        (IPNetwork.Parse("100::/64"), AddressClass.Forbidden, "discard-only (100::/64)", AddressLabels.Reserved),
        (IPNetwork.Parse("fc00::/7"), AddressClass.Private, "unique-local (fc00::/7)", AddressLabels.UniqueLocal),
        (IPNetwork.Parse("fec0::/10"), AddressClass.Private, "site-local (fec0::/10)", AddressLabels.UniqueLocal),
        (IPNetwork.Parse("64:ff9b:1::/48"), AddressClass.Private, "local-use NAT64 (64:ff9b:1::/48)", AddressLabels.SpecialPurpose),
    ];

    public static AddressVerdict Classify(IPAddress address)
    {
        // A scope id ("[::1%251]") does not change where a packet goes, but IPAddress.Equals compares it.
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
        {
            address = new IPAddress(address.GetAddressBytes());
        }

        if (MetadataAddresses.Contains(address))
        {
            return new(AddressClass.Forbidden, "a cloud metadata address", AddressLabels.Metadata);
        }

        return address.AddressFamily == AddressFamily.InterNetwork ? ClassifyV4(address) : ClassifyV6(address);
    }

    /// <summary>The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo client), with its form's name.</summary>
    public static IEnumerable<(IPAddress Address, string Form)> Embedded(IPAddress v6)
    {
        if (v6.AddressFamily != AddressFamily.InterNetworkV6)
        {
            yield break;
        }

        var b = v6.GetAddressBytes();
        if (v6.IsIPv4MappedToIPv6)
        {
            yield return (v6.MapToIPv4(), "IPv4-mapped");
        }
        else if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            yield return (new IPAddress(b.AsSpan(12, 4)), "IPv4-compatible");
        }
        else if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        {
            yield return (new IPAddress(b.AsSpan(12, 4)), "NAT64 (64:ff9b::/96)");
        }
        else if (b[0] == 0x20 && b[1] == 0x02)
        {
            yield return (new IPAddress(b.AsSpan(2, 4)), "6to4 (2002::/16)");
        }
        else if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00)
        {
            // Teredo: the server at bytes 4-7, the client's address inverted at bytes 12-15.
            yield return (new IPAddress(b.AsSpan(4, 4)), "Teredo server");
            yield return (new IPAddress([(byte)~b[12], (byte)~b[13], (byte)~b[14], (byte)~b[15]]), "Teredo client");
        }
    }

    private static AddressVerdict ClassifyV4(IPAddress address)
    {
        foreach (var (network, kind, why, label) in V4Ranges)
        {
            if (network.Contains(address))
            {
                return new(kind, why, label);
            }
        }

        return AddressVerdict.Public;
    }

    private static AddressVerdict ClassifyV6(IPAddress address)
    {
        if (address.Equals(IPAddress.IPv6Any))
        {
            return new(AddressClass.Forbidden, "unspecified", AddressLabels.Unspecified);
        }

        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return new(AddressClass.Forbidden, "loopback", AddressLabels.Loopback);
        }

        foreach (var (embedded, form) in Embedded(address))
        {
            var verdict = Classify(embedded);
            if (verdict.Class != AddressClass.Public)
            {
                return verdict with { Why = $"{verdict.Why}, inside an IPv6 address ({form})" };
            }
        }

        foreach (var (network, kind, why, label) in V6Ranges)
        {
            if (network.Contains(address))
            {
                return new(kind, why, label);
            }
        }

        return AddressVerdict.Public;
    }
}
