using Fleet.Api.Alerts.Delivery;

namespace Fleet.Api.Tests.Alerts.Delivery;

public sealed class DeliveryBackoffTests
{
    private static readonly AlertDeliveryOptions Options = new() { BaseDelay = TimeSpan.FromSeconds(10), MaxDelay = TimeSpan.FromMinutes(10) };

    [Fact]
    public void Ceiling_DoublesPerAttempt_UpToMaxDelay()
    {
        var ceilings = Enumerable.Range(1, 9).Select(n => DeliveryBackoff.Ceiling(Options, n).TotalSeconds);

        Assert.Equal([10, 20, 40, 80, 160, 320, 600, 600, 600], ceilings);
        Assert.Equal(TimeSpan.FromMinutes(10), DeliveryBackoff.Ceiling(Options, 1000));
    }

    [Fact]
    public void Next_WithTheSystemRandom_StaysWithinZeroAndTheCeiling_AndSpreads()
    {
        var backoff = new DeliveryBackoff();
        foreach (var attempt in new[] { 1, 3, 8 })
        {
            var waits = Enumerable.Range(0, 500).Select(_ => backoff.Next(Options, attempt, null)).ToList();
            var ceiling = DeliveryBackoff.Ceiling(Options, attempt);

            Assert.All(waits, w => Assert.InRange(w, TimeSpan.Zero, ceiling));
            // Full jitter: spread over the range, not bunched at the ceiling (500 uniform draws all in one half is ~2^-500).
            Assert.Contains(waits, w => w < ceiling / 2);
            Assert.Contains(waits, w => w > ceiling / 2);
        }
    }

    [Fact]
    public void Next_RetryAfterLongerThanTheJitteredWait_IsHonoured()
    {
        var backoff = new DeliveryBackoff(() => 0.5);

        Assert.Equal(TimeSpan.FromMinutes(30), backoff.Next(Options, 1, TimeSpan.FromMinutes(30)));
        Assert.Equal(TimeSpan.FromSeconds(5), backoff.Next(Options, 1, TimeSpan.FromSeconds(1)));
    }
}
