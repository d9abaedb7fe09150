namespace Fleet.Api.Mqtt;

/// <summary>
/// Counts occurrences and says when to report them: the first at once, then at most once per interval, with how many
/// there were since the last report (the ones in between are counted, not lost).
/// </summary>
internal sealed class CoalescedCounter(TimeProvider clock, TimeSpan interval)
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _lastReport;
    private int _count;

    /// <summary>Counts one; true with the count to report (this one included) when a report is due.</summary>
    public bool Count(out int count)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            _count++;
            if (_lastReport is { } last && now - last < interval)
            {
                count = 0;
                return false;
            }

            _lastReport = now;
            count = _count;
            _count = 0;
            return true;
        }
    }
}
