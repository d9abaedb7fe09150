using System.Collections.Concurrent;
using System.Globalization;

namespace Fleet.Api.SystemTests.Simulator;

/// <summary>
/// Samples this process's memory every 500 ms: with the API in-process (WebApplicationFactory) and the test running
/// alone, that is the API's GC heap and working set.
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly ConcurrentQueue<MemorySample> _samples = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private MemorySampler()
    {
        Take();
        _loop = Task.Run(LoopAsync);
    }

    public MemorySample Latest => _samples.Last();

    public double PeakHeapMb => _samples.Max(s => s.HeapMb);

    public double PeakWorkingSetMb => _samples.Max(s => s.WorkingSetMb);

    public static MemorySampler Start() => new();

    public string Describe() => string.Join(" ", _samples.Select(s => s.ToString()));

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }

    private async Task LoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), _stop.Token);
                Take();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void Take() => _samples.Enqueue(new MemorySample(GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0, Environment.WorkingSet / 1048576.0));
}

internal readonly record struct MemorySample(double HeapMb, double WorkingSetMb)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{HeapMb:0}/{WorkingSetMb:0}");
}
