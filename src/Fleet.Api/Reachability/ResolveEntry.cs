using System.Net;

namespace Fleet.Api.Reachability;

/// <summary>One Probe:Resolve entry, "host:port:address[,address…]" as curl's --resolve takes it (IPv6 in brackets or bare).</summary>
internal sealed record ResolveEntry(string Host, int Port, IReadOnlyList<IPAddress> Addresses)
{
    public static ResolveEntry? Parse(string text)
    {
        var parts = text.Trim().Split(':', 3);
        if (parts.Length != 3 || parts[0].Length == 0 || !int.TryParse(parts[1], out var port) || port is < 1 or > 65535)
        {
            return null;
        }

        var addresses = new List<IPAddress>();
        foreach (var item in parts[2].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var bare = item.StartsWith('[') && item.EndsWith(']') ? item[1..^1] : item;
            if (!IPAddress.TryParse(bare, out var address))
            {
                return null;
            }

            addresses.Add(address);
        }

        return addresses.Count == 0 ? null : new ResolveEntry(parts[0].TrimEnd('.').ToLowerInvariant(), port, addresses);
    }
}
