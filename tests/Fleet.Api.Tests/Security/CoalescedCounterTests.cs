using Fleet.Api.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Security;

/// <summary>
/// How the throttled warnings (<see cref="ThrottledWarning"/>: the embedded broker's refusals, rejected messages,
/// coalesced changes, failed monitoring publishes) are spaced: the first at once, then one per interval with a count.
/// </summary>
public sealed class CoalescedCounterTests
{
    [Fact]
    public void Occurrences_WithinTheInterval_AreCounted_AndReportedWithTheNextReport()
    {
        var clock = new FakeTimeProvider();
        var warning = new ThrottledWarning(clock, TimeSpan.FromMinutes(1));

        Assert.True(warning.TryReport(out var first));
        Assert.Equal(1, first);
        for (var i = 0; i < 41; i++)
        {
            Assert.False(warning.TryReport(out _));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(warning.TryReport(out var next));
        Assert.Equal(42, next);
    }

    [Fact]
    public void Occurrences_CountedInBatches_AreSummed_AndTheWarningIsIdleOnlyLongAfterItsLastReport()
    {
        var clock = new FakeTimeProvider();
        var warning = new ThrottledWarning(clock, TimeSpan.FromMinutes(1));

        Assert.True(warning.TryReport(out var first, occurrences: 5));
        Assert.Equal(5, first);
        Assert.False(warning.TryReport(out _, occurrences: 7));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(warning.TryReport(out var next, occurrences: 3));
        Assert.Equal(10, next);

        Assert.False(warning.IsIdleFor(TimeSpan.FromMinutes(10)));
        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.True(warning.IsIdleFor(TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public void Occurrences_FromManyThreads_AreEachCountedOnce()
    {
        const int Threads = 4;
        const int PerThread = 200_000;
        var clock = new FakeTimeProvider();
        var warning = new ThrottledWarning(clock, TimeSpan.FromMinutes(1));
        var reported = 0;

        // Released together so the threads really contend for the count.
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < PerThread; i++)
            {
                if (warning.TryReport(out var count))
                {
                    Interlocked.Add(ref reported, count);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(warning.TryReport(out var rest));

        Assert.Equal((Threads * PerThread) + 1, reported + rest);
    }
}
