using System.Diagnostics;
using System.Globalization;

namespace Fleet.Testing.Processes;

/// <summary>
/// The largest peak resident set (VmHWM) of a process and its successors (an API restarted several times), sampled
/// twice a second. VmHWM is the kernel's own peak, so sampling only has to happen before each process exits.
/// </summary>
internal sealed class PeakRss : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly CancellationTokenSource _stop = new();
    private Process? _current;
    private Task _sampler = Task.CompletedTask;
    private long _peakKb;

    public double Megabytes => Interlocked.Read(ref _peakKb) / 1024.0;

    /// <summary>From now on samples <paramref name="process"/> (the one before it is done: it has exited).</summary>
    public void Track(Process process)
    {
        _current = process;
        if (_sampler.IsCompleted)
        {
            _sampler = Task.Run(SampleAsync, CancellationToken.None);
        }
    }

    /// <summary>One sample now, e.g. right before the process is killed.</summary>
    public void Record(Process process)
    {
        try
        {
            if (process.HasExited)
            {
                return;
            }

            var line = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null && long.TryParse(line["VmHWM:".Length..].Trim().Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb))
            {
                long seen;
                while (kb > (seen = Interlocked.Read(ref _peakKb)) && Interlocked.CompareExchange(ref _peakKb, kb, seen) != seen)
                {
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // The process exited between the check and the read.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (_current is { } process)
                {
                    Record(process);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }
}
