namespace Fleet.Domain.Retry;

/// <summary>
/// Capped exponential backoff with full jitter (attempt 1 waits between min and 2·min, then doubling up to max),
/// so that a fleet of clients does not retry in lock-step after a shared outage.
/// </summary>
public static class Backoff
{
    public static TimeSpan Delay(int attempt, TimeSpan min, TimeSpan max) => Delay(attempt, min, max, Random.Shared.NextDouble());

    /// <param name="jitter">A number in [0, 1): where in the window this attempt waits.</param>
    public static TimeSpan Delay(int attempt, TimeSpan min, TimeSpan max, double jitter)
    {
        var exponent = Math.Clamp(attempt, 1, 31);
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
        var floor = Math.Min(min.TotalMilliseconds, ceiling);
        return TimeSpan.FromMilliseconds(floor + (jitter * (ceiling - floor)));
    }
}
