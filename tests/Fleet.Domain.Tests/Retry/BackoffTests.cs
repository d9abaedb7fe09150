using Fleet.Domain.Retry;

namespace Fleet.Domain.Tests.Retry;

public sealed class BackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(1, 1, 2)]
    [InlineData(2, 1, 4)]
    [InlineData(3, 1, 8)]
    [InlineData(6, 1, 60)]
    [InlineData(1000, 1, 60)]
    public void Delay_GrowsExponentially_WithinItsWindow_AndIsCapped(int attempt, double low, double high)
    {
        Assert.Equal(TimeSpan.FromSeconds(low), Backoff.Delay(attempt, Min, Max, jitter: 0));
        Assert.True(Backoff.Delay(attempt, Min, Max, jitter: 0.999999) <= TimeSpan.FromSeconds(high));
        Assert.True(Backoff.Delay(attempt, Min, Max, jitter: 0.999999) > TimeSpan.FromSeconds(high * 0.99));
    }

    [Fact]
    public void Delay_WithRandomJitter_SpreadsOverTheWindow()
    {
        var delays = Enumerable.Range(0, 200).Select(_ => Backoff.Delay(10, Min, Max)).ToList();

        Assert.All(delays, d => Assert.InRange(d, Min, Max));
        Assert.True(delays.Distinct().Count() > 100, "jittered delays differ");
    }
}
