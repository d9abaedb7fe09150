namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// When to try again: exponential backoff with full jitter (a uniformly random wait between zero and
/// min(MaxDelay, BaseDelay × 2^(attempts − 1))), so the retries of many deliveries after one outage spread out
/// instead of arriving together; a receiver's Retry-After is a floor.
/// </summary>
internal sealed class DeliveryBackoff(Func<double> random)
{
    public DeliveryBackoff()
        : this(Random.Shared.NextDouble)
    {
    }

    /// <summary>The longest wait after the <paramref name="attempts"/>-th failed attempt (1-based).</summary>
    public static TimeSpan Ceiling(AlertDeliveryOptions options, int attempts)
    {
        var exponent = Math.Min(Math.Max(attempts - 1, 0), 30);
        var ceiling = options.BaseDelay.TotalMilliseconds * Math.Pow(2, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(ceiling, options.MaxDelay.TotalMilliseconds));
    }

    public TimeSpan Next(AlertDeliveryOptions options, int attempts, TimeSpan? retryAfter)
    {
        var jittered = TimeSpan.FromMilliseconds(Ceiling(options, attempts).TotalMilliseconds * random());
        return retryAfter is { } floor && floor > jittered ? floor : jittered;
    }
}
