using Fleet.Api.Data;
using Fleet.Api.Ingest;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Ingest;

/// <summary>The per-detector token bucket for tunnel changes, on a fake clock.</summary>
public sealed class ChangeBudgetTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));

    private ChangeBudget Budget(int perMinute = 20, int burst = 10) =>
        new(Options.Create(new IngestOptions { ChangesPerDetectorPerMinute = perMinute, ChangeBurst = burst }), _clock);

    private static IReadOnlyList<TunnelRecord> Before(string url) =>
        [new TunnelRecord { DetectorId = "pi-1", Name = "web", Url = url, Since = DateTimeOffset.UnixEpoch }];

    [Fact]
    public void TryRecord_BurstUsedUp_HoldsBackTheRestWithTheFirstStartingPoint()
    {
        var budget = Budget();

        var recorded = Enumerable.Range(0, 10).Count(i => budget.TryRecord("pi-1", () => Before($"https://u{i}.example")));
        var heldFirst = budget.TryRecord("pi-1", () => Before("https://first-held.example"));
        var heldLater = budget.TryRecord("pi-1", () => Before("https://later.example"));

        Assert.Equal(10, recorded);
        Assert.False(heldFirst);
        Assert.False(heldLater);
        Assert.Empty(budget.TakeDue());
        _clock.Advance(budget.RefillInterval);
        var (id, held) = Assert.Single(budget.TakeDue());
        Assert.Equal("pi-1", id);
        Assert.Equal(2, held.Count);
        Assert.Equal("https://first-held.example", Assert.Single(held.Before).Url);
    }

    [Fact]
    public void TryRecord_WhileChangesAreHeldBack_JoinsThemEvenWithATokenBack()
    {
        var budget = Budget(perMinute: 60, burst: 1);
        Assert.True(budget.TryRecord("pi-1", () => Before("https://a.example")));
        Assert.False(budget.TryRecord("pi-1", () => Before("https://b.example")));

        // A token is back, but recording this change on its own would describe it from an unrecorded URL.
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(budget.TryRecord("pi-1", () => Before("https://c.example")));

        var (_, held) = Assert.Single(budget.TakeDue());
        Assert.Equal(2, held.Count);
    }

    [Fact]
    public void TryRecord_AgentRestartingNgrokEveryFewMinutes_IsNeverHeldBack()
    {
        var budget = Budget();
        for (var restart = 0; restart < 200; restart++)
        {
            Assert.True(budget.TryRecord("pi-1", () => Before("https://x.example")), $"restart {restart}");
            _clock.Advance(TimeSpan.FromMinutes(2));
        }
    }

    [Fact]
    public void TryRecord_OtherDetectors_HaveTheirOwnBudget()
    {
        var budget = Budget(burst: 1);
        Assert.True(budget.TryRecord("pi-1", () => []));
        Assert.False(budget.TryRecord("pi-1", () => []));

        Assert.True(budget.TryRecord("pi-2", () => []));
    }

    [Fact]
    public void TryRecord_BudgetOff_AlwaysRecords()
    {
        var budget = Budget(perMinute: 0);
        Assert.All(Enumerable.Range(0, 1000), _ => Assert.True(budget.TryRecord("pi-1", () => [])));
        Assert.Empty(budget.TakeDue());
    }

    [Fact]
    public void Restore_AfterAFailedFlush_KeepsTheOlderStartingPointAndAddsTheCounts()
    {
        var budget = Budget(burst: 1);
        budget.TryRecord("pi-1", () => []);
        budget.TryRecord("pi-1", () => Before("https://old.example"));
        _clock.Advance(budget.RefillInterval);
        var (_, taken) = Assert.Single(budget.TakeDue());
        budget.TryRecord("pi-1", () => Before("https://newer.example"));

        budget.Restore("pi-1", taken);

        _clock.Advance(budget.RefillInterval);
        var (_, held) = Assert.Single(budget.TakeDue());
        Assert.Equal(2, held.Count);
        Assert.Equal("https://old.example", Assert.Single(held.Before).Url);
    }

    [Fact]
    public void TakeDue_FullIdleBuckets_AreForgotten()
    {
        var budget = Budget();
        budget.TryRecord("pi-1", () => []);
        _clock.Advance(TimeSpan.FromMinutes(1));

        budget.TakeDue();

        Assert.Equal(0, budget.PendingCount);
        Assert.Equal(0, budget.TrackedCount);
    }
}
