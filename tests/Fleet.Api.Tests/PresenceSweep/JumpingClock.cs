using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.Tests.PresenceSweep;

/// <summary>
/// A fake clock whose wall-clock time can jump (as when NTP steps the clock) while its monotonic timestamp does not.
/// Timers run on the inner FakeTimeProvider, so <see cref="Advance"/> moves both clocks together.
/// </summary>
internal sealed class JumpingClock : TimeProvider
{
    private readonly FakeTimeProvider _inner = new(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));

    /// <summary>Added to the wall clock only.</summary>
    public TimeSpan Jump { get; set; }

    public void Advance(TimeSpan by) => _inner.Advance(by);

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow() + Jump;

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _inner.CreateTimer(callback, state, dueTime, period);
}
