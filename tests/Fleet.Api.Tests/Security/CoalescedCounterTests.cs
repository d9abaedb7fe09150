using Fleet.Api.Mqtt;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.Security;

/// <summary>How the embedded broker's refusal warnings are spaced: the first at once, then one per interval with a count.</summary>
public sealed class CoalescedCounterTests
{
    [Fact]
    public void Occurrences_WithinTheInterval_AreCounted_AndReportedWithTheNextReport()
    {
        var clock = new FakeTimeProvider();
        var counter = new CoalescedCounter(clock, TimeSpan.FromMinutes(1));

        Assert.True(counter.Count(out var first));
        Assert.Equal(1, first);
        for (var i = 0; i < 41; i++)
        {
            Assert.False(counter.Count(out _));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(counter.Count(out var next));
        Assert.Equal(42, next);
    }
}
