namespace Fleet.Api.Mqtt;

/// <summary>Capped exponential backoff with full jitter, so a fleet of clients does not reconnect in lock-step.</summary>
public static class Backoff
{
    public static TimeSpan Delay(int attempt, TimeSpan min, TimeSpan max)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 20);
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
        var jittered = min.TotalMilliseconds + (Random.Shared.NextDouble() * Math.Max(0, ceiling - min.TotalMilliseconds));
        return TimeSpan.FromMilliseconds(jittered);
    }
}
