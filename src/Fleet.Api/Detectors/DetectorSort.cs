using System.Globalization;

namespace Fleet.Api.Detectors;

/// <summary>What a detector list is sorted by.</summary>
internal enum SortKey
{
    Id,
    Name,
    LastSeen,
}

/// <summary>
/// The order of <c>GET /detectors</c> (<c>sort=</c>): by id (the default), name or last seen, ascending or, with a
/// leading <c>-</c>, descending; ties by id in the same direction, so the order is total and a keyset cursor exact.
/// One rule for both read paths: names compare as stored, ordinally (PostgreSQL <c>COLLATE "C"</c>, SQLite binary),
/// a missing name as the empty string; a missing last-seen time as the Unix epoch.
/// </summary>
internal sealed record DetectorSort(SortKey Key, bool Descending)
{
    public static DetectorSort Default { get; } = new(SortKey.Id, false);

    public static IReadOnlyList<string> Names { get; } = ["id", "-id", "name", "-name", "lastSeen", "-lastSeen"];

    public bool IsDefault => this == Default;

    public string ToWire() => (Descending ? "-" : string.Empty) + Key switch
    {
        SortKey.Name => "name",
        SortKey.LastSeen => "lastSeen",
        _ => "id",
    };

    public static bool TryParse(string? value, out DetectorSort sort)
    {
        sort = Default;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        var descending = value.StartsWith('-');
        SortKey? key = (descending ? value[1..] : value) switch
        {
            "id" => SortKey.Id,
            "name" => SortKey.Name,
            "lastSeen" => SortKey.LastSeen,
            _ => null,
        };
        if (key is null)
        {
            return false;
        }

        sort = new DetectorSort(key.Value, descending);
        return true;
    }

    /// <summary>The sort key of a detector as a cursor carries it: the name as stored, or last seen in Unix microseconds.</summary>
    public string KeyText(string? name, DateTimeOffset? lastSeen) => Key switch
    {
        SortKey.Name => name ?? string.Empty,
        SortKey.LastSeen => Micros(lastSeen).ToString(CultureInfo.InvariantCulture),
        _ => string.Empty,
    };

    public static long Micros(DateTimeOffset? at) => at is { } t ? (t - DateTimeOffset.UnixEpoch).Ticks / 10 : 0;

    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
}
