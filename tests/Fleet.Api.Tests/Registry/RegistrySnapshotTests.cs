using Fleet.Api.Detectors;
using Fleet.Api.Registry;

namespace Fleet.Api.Tests.Registry;

/// <summary>A snapshot's changes keep it sorted and exact: replaced, added and removed detectors, and pages in every order.</summary>
public sealed class RegistrySnapshotTests
{
    [Fact]
    public void With_ReplacesAddsAndRemoves_KeepingOrdinalOrder()
    {
        var snapshot = RegistrySnapshot.Of([Entry("b", 1), Entry("d", 1), Entry("f", 1)]);

        var next = snapshot.With(["a", "d", "f", "g", "zz"], [Entry("a", 2), Entry("d", 3), Entry("g", 4)]);

        Assert.Equal(["a", "b", "d", "g"], next.Entries.Select(e => e.Id));
        Assert.Equal(3, next.Find("d")!.Version);
        Assert.Null(next.Find("f"));
        Assert.Equal(["b", "d", "f"], snapshot.Entries.Select(e => e.Id)); // the old snapshot is unchanged
    }

    [Fact]
    public void Page_SortedByNameDescending_WalksEveryDetectorOnceWithTheCursor()
    {
        var names = new[] { "Roof", null, "lab", "Roof", "basement" };
        var snapshot = RegistrySnapshot.Of(names.Select((n, i) => Entry($"d{i}", i, n)));
        var sort = new DetectorSort(SortKey.Name, Descending: true);
        var seen = new List<string>();
        string? after = null, afterKey = null;
        do
        {
            var page = snapshot.Page(new DetectorQuery([], [], [], null, 2, after) { Sort = sort, AfterKey = afterKey });
            seen.AddRange(page.Items.Select(e => e.Id));
            (after, afterKey) = page.More ? (page.Items[^1].Id, sort.KeyText(page.Items[^1].Name, null)) : (null, null);
        }
        while (after is not null);

        // Ordinal, descending, ties by id descending: "lab" > "basement" > "Roof" (upper case first in ordinal) > "".
        Assert.Equal(["d2", "d4", "d3", "d0", "d1"], seen);
    }

    private static RegistryEntry Entry(string id, long version, string? name = null) => new()
    {
        Id = id,
        Version = version,
        Status = "online",
        Reachability = "unknown",
        Tags = [],
        Name = name,
        Json = [],
        OneJson = [],
    };
}
