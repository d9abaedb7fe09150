using System.Globalization;

namespace Fleet.Api.Relays;

/// <summary><c>FROM-TO</c>, inclusive, within the ports infra/relay/install.sh add-key accepts (1024-65535).</summary>
internal static class RelayPortRange
{
    /// <summary>install.sh's MIN_PORT: ports below it are the system's.</summary>
    public const int Lowest = 1024;

    public static bool TryParse(string? text, out int from, out int to)
    {
        from = to = 0;
        var parts = (text ?? string.Empty).Split('-', 2, StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out from)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out to)
            && from >= Lowest && from <= to && to <= 65535;
    }
}
