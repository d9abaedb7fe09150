namespace Fleet.Benchmarks.Infrastructure;

/// <summary>
/// CPU seconds each named process used over a window: read at <see cref="Start"/> and at <see cref="End"/>, and
/// every 200 ms in between, so a process that exits inside the window (the simulator at the end of its run) still
/// counts up to its last reading. A process added later starts at its first reading.
/// </summary>
internal sealed class CpuWindow : IAsyncDisposable
{
    private readonly Dictionary<string, Func<double?>> _readers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (double First, double Last)> _readings = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task? _loop;

    public void Add(string name, Func<double?> reader)
    {
        lock (_gate)
        {
            _readers[name] = reader;
        }

        Sample();
    }

    /// <summary>Stops reading a process (it has exited and its id may be reused); its readings so far are kept.</summary>
    public void Stop(string name)
    {
        lock (_gate)
        {
            _readers.Remove(name);
        }
    }

    public void Start()
    {
        Sample();
        _loop = LoopAsync();
    }

    /// <summary>CPU seconds per process over the window (processes never read are left out).</summary>
    public async Task<IReadOnlyDictionary<string, double>> EndAsync()
    {
        await StopAsync();
        Sample();
        lock (_gate)
        {
            return _readings.ToDictionary(r => r.Key, r => r.Value.Last - r.Value.First, StringComparer.Ordinal);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is { } loop)
        {
            await loop;
        }
    }

    private void Sample()
    {
        lock (_gate)
        {
            foreach (var (name, reader) in _readers)
            {
                if (reader() is { } seconds)
                {
                    _readings[name] = _readings.TryGetValue(name, out var r) ? (r.First, seconds) : (seconds, seconds);
                }
            }
        }
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // The window ended.
        }
    }
}
