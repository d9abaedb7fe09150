using System.Collections.Concurrent;

namespace Fleet.Api.Detectors;

/// <summary>
/// The last total counted per filter, with the mark it was counted at. Counting is the one part of a page whose cost
/// grows with the fleet (10,000 rows for every page); while nothing changes (the same proven mark) the count is
/// skipped. Safe with several instances: the database decides, in the page's own statement, whether the mark still
/// holds. Bounded: cleared when it holds more filters than <see cref="MaxFilters"/>.
/// </summary>
internal sealed class DetectorTotals
{
    public const int MaxFilters = 1024;

    private readonly ConcurrentDictionary<string, KnownTotal> known = new(StringComparer.Ordinal);

    public KnownTotal Get(DetectorQuery query) => known.TryGetValue(Key(query), out var total) ? total : KnownTotal.None;

    public void Remember(DetectorQuery query, ListMark mark)
    {
        if (mark.Total < 0)
        {
            return;
        }

        if (known.Count >= MaxFilters)
        {
            known.Clear();
        }

        known[Key(query)] = new KnownTotal(mark.Mark, mark.Total);
    }

    // The total depends on the filters only, not on the page (limit, cursor).
    public static string Key(DetectorQuery query) =>
        string.Join('\n', string.Join(',', query.Statuses), string.Join(',', query.Reachabilities), string.Join(',', query.Tags), query.Text ?? string.Empty,
            string.Join(',', query.Healths), string.Join(',', query.Providers), query.NgrokAccount ?? string.Empty);
}
