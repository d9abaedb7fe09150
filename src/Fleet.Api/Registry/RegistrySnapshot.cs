using System.Collections.Concurrent;
using Fleet.Api.Detectors;

namespace Fleet.Api.Registry;

/// <summary>
/// Every detector at one moment, sorted by id (ordinal, as the database path orders them under the C collation):
/// immutable, so a read sees one consistent fleet without a lock, and a change publishes a new snapshot. Finding one
/// detector is a binary search; a page starts after the cursor and scans for matches.
/// </summary>
internal sealed class RegistrySnapshot(RegistryEntry[] entries)
{
    /// <summary>Totals of filters counted on this snapshot (bounded: cleared when it holds more than this many).</summary>
    private const int MaxTotals = 1024;

    /// <summary>Pages kept per snapshot; each holds its body once asked (up to 1,000 views).</summary>
    private const int MaxPages = 64;

    private readonly ConcurrentDictionary<string, int> _totals = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<DetectorSort, RegistryEntry[]> _orders = new();

    // Pages asked of this snapshot (bounded like the totals): asked again, they cost a lookup.
    private readonly ConcurrentDictionary<string, RegistryPage> _pages = new(StringComparer.Ordinal);

    public static RegistrySnapshot Empty { get; } = new([]);

    public int Count => entries.Length;

    public IReadOnlyList<RegistryEntry> Entries => entries;

    /// <summary>Bytes of the serialised views held (a view with a relay port is held twice: the list's and the one's).</summary>
    public long ViewBytes()
    {
        long bytes = 0;
        foreach (var entry in entries)
        {
            bytes += entry.Json.Length + (ReferenceEquals(entry.OneJson, entry.Json) ? 0 : entry.OneJson.Length);
        }

        return bytes;
    }

    public RegistryEntry? Find(string id)
    {
        var i = IndexOf(id);
        return i >= 0 ? entries[i] : null;
    }

    /// <summary>One page of the query: the matches after its cursor (at most its limit), the total and whether more follow.</summary>
    public RegistryPage Page(DetectorQuery query)
    {
        var key = DetectorETags.ListKey(query, string.Empty);
        if (_pages.TryGetValue(key, out var known))
        {
            return known;
        }

        var page = ReadPage(query);
        if (_pages.Count >= MaxPages)
        {
            _pages.Clear();
        }

        _pages[key] = page;
        return page;
    }

    private RegistryPage ReadPage(DetectorQuery query)
    {
        var ordered = Ordered(query.Sort);
        var start = 0;
        if (query.After is { } after)
        {
            if (query.Sort.IsDefault)
            {
                var i = IndexOf(after);
                start = i >= 0 ? i + 1 : ~i;
            }
            else
            {
                start = FirstAfter(ordered, query.Sort, query.AfterKey ?? string.Empty, after);
            }
        }

        var items = new List<RegistryEntry>(Math.Min(query.Limit + 1, 128));
        for (var i = start; i < ordered.Length && items.Count <= query.Limit; i++)
        {
            if (RegistryFilter.Matches(query, ordered[i]))
            {
                items.Add(ordered[i]);
            }
        }

        var more = items.Count > query.Limit;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        return new RegistryPage(query, items, Total(query), more);
    }

    /// <summary>A new snapshot with the rows read for <paramref name="asked"/>: found ones replace or join, missing ones leave.</summary>
    public RegistrySnapshot With(IReadOnlyCollection<string> asked, IReadOnlyList<RegistryEntry> found)
    {
        var byId = new Dictionary<string, RegistryEntry>(found.Count, StringComparer.Ordinal);
        foreach (var entry in found)
        {
            byId[entry.Id] = entry;
        }

        var removed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in asked)
        {
            if (!byId.ContainsKey(id))
            {
                removed.Add(id);
            }
        }

        // The common case (known detectors changed): copy the array and replace in place.
        var copy = (RegistryEntry[])entries.Clone();
        var added = new List<RegistryEntry>();
        var removedCount = 0;
        foreach (var (id, entry) in byId)
        {
            var i = IndexOf(id);
            if (i >= 0)
            {
                copy[i] = entry;
            }
            else
            {
                added.Add(entry);
            }
        }

        foreach (var id in removed)
        {
            if (IndexOf(id) is var i and >= 0)
            {
                copy[i] = null!;
                removedCount++;
            }
        }

        if (added.Count == 0 && removedCount == 0)
        {
            return new RegistrySnapshot(copy);
        }

        // New or gone detectors: merge the sorted additions into the survivors.
        added.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        var merged = new RegistryEntry[copy.Length - removedCount + added.Count];
        int k = 0, j = 0;
        foreach (var entry in copy)
        {
            if (entry is null)
            {
                continue;
            }

            while (j < added.Count && string.CompareOrdinal(added[j].Id, entry.Id) < 0)
            {
                merged[k++] = added[j++];
            }

            merged[k++] = entry;
        }

        while (j < added.Count)
        {
            merged[k++] = added[j++];
        }

        return new RegistrySnapshot(merged);
    }

    /// <summary>A snapshot of exactly these entries (a full load or resync), in any order.</summary>
    public static RegistrySnapshot Of(IEnumerable<RegistryEntry> all)
    {
        var sorted = all.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        return new RegistrySnapshot(sorted);
    }

    /// <summary>The entries in the order of <paramref name="sort"/>, sorted once per snapshot and order.</summary>
    private RegistryEntry[] Ordered(DetectorSort sort)
    {
        if (sort.IsDefault)
        {
            return entries;
        }

        return _orders.GetOrAdd(sort, s =>
        {
            var copy = (RegistryEntry[])entries.Clone();
            Array.Sort(copy, (a, b) => Compare(s, a, KeyOf(s, b), b.Id));
            return copy;
        });
    }

    /// <summary>The first position whose entry comes after (key, id) in the order: where the next page starts.</summary>
    private static int FirstAfter(RegistryEntry[] ordered, DetectorSort sort, string keyText, string id)
    {
        object key = sort.Key == SortKey.LastSeen ? long.Parse(keyText, System.Globalization.CultureInfo.InvariantCulture) : keyText;
        int lo = 0, hi = ordered.Length;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (Compare(sort, ordered[mid], key, id) <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static object KeyOf(DetectorSort sort, RegistryEntry e) => sort.Key switch
    {
        SortKey.Name => e.Name ?? string.Empty,
        SortKey.LastSeen => DetectorSort.Micros(e.LastSeen),
        _ => string.Empty,
    };

    /// <summary>The entry against a position (key, id) in the order: the rule of DetectorSort, as the SQL orders.</summary>
    private static int Compare(DetectorSort sort, RegistryEntry entry, object key, string id)
    {
        var c = sort.Key switch
        {
            SortKey.Name => string.CompareOrdinal(entry.Name ?? string.Empty, (string)key),
            SortKey.LastSeen => DetectorSort.Micros(entry.LastSeen).CompareTo((long)key),
            _ => 0,
        };
        if (c == 0)
        {
            c = string.CompareOrdinal(entry.Id, id);
        }

        return sort.Descending ? -c : c;
    }

    private int Total(DetectorQuery query)
    {
        if (RegistryFilter.IsEmpty(query))
        {
            return entries.Length;
        }

        var key = DetectorTotals.Key(query);
        if (_totals.TryGetValue(key, out var known))
        {
            return known;
        }

        var total = 0;
        foreach (var entry in entries)
        {
            if (RegistryFilter.Matches(query, entry))
            {
                total++;
            }
        }

        if (_totals.Count >= MaxTotals)
        {
            _totals.Clear();
        }

        _totals[key] = total;
        return total;
    }

    // Array.BinarySearch's contract: the index, or the complement of where it would go.
    private int IndexOf(string id)
    {
        int lo = 0, hi = entries.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var c = string.CompareOrdinal(entries[mid].Id, id);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
