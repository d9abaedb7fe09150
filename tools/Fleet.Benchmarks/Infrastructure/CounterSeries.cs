using System.Diagnostics;

namespace Fleet.Benchmarks.Infrastructure;

/// <summary>
/// Polls a monotonic counter (the API's committed-message counters) and keeps (time, value) samples, so a rate can be
/// taken the way fleet-sim count takes its own: messages from the first to the last one counted.
/// </summary>
internal sealed class CounterSeries : IAsyncDisposable
{
    private readonly List<(double Seconds, double Value)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public CounterSeries(Func<Task<double>> read, TimeSpan interval)
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var value = await read();
                    lock (_samples)
                    {
                        _samples.Add((_clock.Elapsed.TotalSeconds, value));
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // A missed scrape under load is a gap in the series, not a failure.
                }

                try
                {
                    await Task.Delay(interval, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
    }

    /// <summary>Seconds on the series' own clock, to mark a moment for <see cref="Activity"/>.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    public double Latest
    {
        get
        {
            lock (_samples)
            {
                return _samples.Count == 0 ? 0 : _samples[^1].Value;
            }
        }
    }

    /// <summary>Seconds since the last sample that changed the value (how long the counter has been still).</summary>
    public double StillForSeconds
    {
        get
        {
            lock (_samples)
            {
                if (_samples.Count == 0)
                {
                    return 0;
                }

                var last = _samples[^1];
                var changed = _samples.FindLastIndex(s => s.Value != last.Value);
                return changed < 0 ? last.Seconds - _samples[0].Seconds : last.Seconds - _samples[changed + 1].Seconds;
            }
        }
    }

    /// <summary>
    /// (increase, seconds from the first to the last sample that increased it), counting samples up to
    /// <paramref name="until"/> only; the rate is their ratio.
    /// </summary>
    public (double Increase, double Seconds) Activity(double until = double.MaxValue)
    {
        lock (_samples)
        {
            var samples = _samples.Where(s => s.Seconds <= until).ToList();
            if (samples.Count < 2)
            {
                return (0, 0);
            }

            var baseline = samples[0].Value;
            var firstRise = samples.FindIndex(s => s.Value > baseline);
            if (firstRise < 0)
            {
                return (0, 0);
            }

            var final = samples[^1].Value;
            var lastRise = samples.FindIndex(s => s.Value == final);

            // The first increase happened somewhere in the interval before its sample: count from that earlier sample.
            var start = samples[firstRise - 1];
            return (final - baseline, samples[lastRise].Seconds - start.Seconds);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
