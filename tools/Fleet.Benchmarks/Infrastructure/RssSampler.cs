namespace Fleet.Benchmarks.Infrastructure;

/// <summary>
/// Samples a process's RSS every 100 ms and keeps the largest value, next to VmHWM (which cannot be reset where
/// clear_refs is not writable).
/// </summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private double _max;

    public RssSampler(int pid)
    {
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            do
            {
                if (ProcessMemory.RssMb(pid) is { } rss && rss > _max)
                {
                    _max = rss;
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => !t.IsCanceled && t.Result, TaskScheduler.Default));
        });
    }

    public double MaxMb => _max;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
