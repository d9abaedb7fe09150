using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Fleet.Api.Registry;

/// <summary>
/// What the next <see cref="RegistrySync"/> step is to do: writers' requests, notified ids with the highest version
/// heard, a resync flag. Filled from any thread, taken whole by the step. Each change keeps when it was queued (the first
/// notification of an id since the last step), for <see cref="RegistryMetrics"/>' queue wait.
/// </summary>
internal sealed class RegistryQueue(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private List<RegistryRequest> _requests = [];
    private Dictionary<string, (long Version, long Since)> _notified = new(StringComparer.Ordinal);
    private bool _resync;
    private bool _stopped;

    /// <summary>Queues work for the next step; the task completes when the step is done (never faults), or at once after <see cref="Stop"/>.</summary>
    public Task Request(IReadOnlyCollection<string> ids, bool resync)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_stopped)
            {
                return Task.CompletedTask;
            }

            _resync |= resync;
            _requests.Add(new RegistryRequest(ids, done, clock.GetTimestamp()));
        }

        _wake.Writer.TryWrite(true);
        return done.Task;
    }

    public void Notified(string id, long version)
    {
        var now = clock.GetTimestamp();
        lock (_gate)
        {
            ref var held = ref CollectionsMarshal.GetValueRefOrAddDefault(_notified, id, out var exists);
            held = exists ? (Math.Max(version, held.Version), held.Since) : (version, now);
        }

        _wake.Writer.TryWrite(true);
    }

    /// <summary>The next step resyncs; <paramref name="wake"/>: at once (else when it comes).</summary>
    public void ResyncNext(bool wake)
    {
        lock (_gate)
        {
            _resync = true;
        }

        if (wake)
        {
            _wake.Writer.TryWrite(true);
        }
    }

    /// <summary>Everything queued since the last step, leaving the queue empty.</summary>
    public (bool Resync, List<RegistryRequest> Requests, Dictionary<string, (long Version, long Since)> Notified) Take()
    {
        lock (_gate)
        {
            var taken = (_resync, _requests, _notified);
            (_resync, _requests, _notified) = (false, [], new(StringComparer.Ordinal));
            return taken;
        }
    }

    /// <summary>Until something is queued or <paramref name="until"/> has passed (time for the periodic resync).</summary>
    public async Task WaitAsync(TimeSpan until, CancellationToken ct)
    {
        if (until <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new CancellationTokenSource(until, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            await _wake.Reader.ReadAsync(either.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Time for the periodic resync.
        }
    }

    /// <summary>No more steps: completes what is queued and every later request at once.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            foreach (var request in _requests)
            {
                request.Done.TrySetResult();
            }

            _requests = [];
        }
    }
}

/// <summary>A writer's request for the next step, and when it was queued (<see cref="TimeProvider.GetTimestamp"/>).</summary>
internal readonly record struct RegistryRequest(IReadOnlyCollection<string> Ids, TaskCompletionSource Done, long Since);
