using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Fleet.Api.Reachability;

/// <summary>
/// One round's limits: Probe:MaxPerHost probes at once per URL host and Probe:MaxConcurrency in all. A probe takes its
/// host's slot first and a global one only then, so probes queued behind a slow host hold no global slot and the other
/// hosts' probes go on; <see cref="Start"/> never waits, so the round keeps its schedule whatever one host does.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "Never disposed: a probe still finishing after a cancelled round releases its slots, and no wait handle is ever created.")]
internal sealed class ProbeGates(int maxConcurrency, int maxPerHost)
{
    private readonly SemaphoreSlim _global = new(maxConcurrency, maxConcurrency);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _hosts = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Probes started and not ended, plus one until DrainAsync: a count, not a list, so a round of thousands of probes
    // keeps nothing of those already done.
    private int _pending = 1;

    /// <summary>
    /// Starts <paramref name="probe"/> once a slot of <paramref name="host"/> and a global one are free, and returns at
    /// once. The probe handles its own failures.
    /// </summary>
    public void Start(string host, Func<CancellationToken, Task> probe, CancellationToken ct)
    {
        Interlocked.Increment(ref _pending);
        _ = RunAsync(_hosts.GetOrAdd(host, _ => new SemaphoreSlim(maxPerHost, maxPerHost)), probe, ct);
    }

    /// <summary>Completes when every probe started has ended (or, cancelled, stopped waiting for its slots). Call once, after the last <see cref="Start"/>.</summary>
    public Task DrainAsync()
    {
        Ended();
        return _drained.Task;
    }

    private async Task RunAsync(SemaphoreSlim host, Func<CancellationToken, Task> probe, CancellationToken ct)
    {
        try
        {
            // Host first: waiting for a busy host must not hold a slot another host's probe could use.
            await host.WaitAsync(ct);
            try
            {
                await _global.WaitAsync(ct);
                try
                {
                    // A slot freed by a probe ending with a cancelled round may go to a waiter before it sees the cancellation.
                    ct.ThrowIfCancellationRequested();
                    await probe(ct);
                }
                finally
                {
                    _global.Release();
                }
            }
            finally
            {
                host.Release();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the probe never started, or it ended with the round.
        }
        finally
        {
            Ended();
        }
    }

    private void Ended()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            _drained.TrySetResult();
        }
    }
}
