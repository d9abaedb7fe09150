namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// The system clock whose wall-clock time a test can step (as NTP or an operator does) while the monotonic
/// timestamp and the timers run on as before: an honest clock jump for a live API process.
/// </summary>
public sealed class AgentWallClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
