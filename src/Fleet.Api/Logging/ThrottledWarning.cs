namespace Fleet.Api.Logging;

/// <summary>
/// Spaces out one repeated warning so a flood (of rejected messages, refused logins, failed publishes) cannot flood
/// the log: the first occurrence is reported at once, later ones at most once per interval, each report with how many
/// occurred since the previous one (the report's own included), so nothing goes uncounted. The caller keeps its own
/// message and event id; this type only counts and decides when. Thread-safe.
/// </summary>
internal sealed class ThrottledWarning(TimeProvider clock, TimeSpan interval)
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _lastReport;
    private int _count;

    /// <summary>
    /// Counts <paramref name="occurrences"/>; true, with the occurrences since the last report (these included) in
    /// <paramref name="count"/>, when a report is due now. The count saturates at <see cref="int.MaxValue"/>.
    /// </summary>
    public bool TryReport(out int count, int occurrences = 1)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            _count = _count > int.MaxValue - occurrences ? int.MaxValue : _count + occurrences;
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

    /// <summary>
    /// True when nothing was reported for longer than <paramref name="idle"/>: a caller keeping one warning per key
    /// (detector, reason) may forget this one; what it counted since its last report is then dropped.
    /// </summary>
    public bool IsIdleFor(TimeSpan idle)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            return _lastReport is { } last && now - last > idle;
        }
    }
}
