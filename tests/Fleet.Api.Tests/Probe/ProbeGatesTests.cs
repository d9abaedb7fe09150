using Fleet.Api.Reachability;

namespace Fleet.Api.Tests.Probe;

/// <summary>
/// The probe round's limits with a fake prober that holds its probes until released: a busy host waits for its own
/// slots without taking global ones, so other hosts' probes still run; the global and per-host limits still hold.
/// </summary>
public sealed class ProbeGatesTests
{
    [Fact]
    public async Task Start_HostBusyAtItsLimit_OtherHostsProbesRunWhileItWaits()
    {
        var gates = new ProbeGates(maxConcurrency: 2, maxPerHost: 1);
        var slow = new FakeProber();
        var fast = new FakeProber();
        fast.Release();

        for (var i = 0; i < 3; i++)
        {
            gates.Start("slow.example", slow.ProbeAsync, CancellationToken.None);
        }

        for (var i = 0; i < 4; i++)
        {
            gates.Start("fast.example", fast.ProbeAsync, CancellationToken.None);
        }

        await Eventually.TrueAsync(() => Task.FromResult(fast.Finished == 4), "the fast host's four probes to finish");
        Assert.Equal((1, 0), (slow.Started, slow.Finished));

        slow.Release();
        await gates.DrainAsync();
        Assert.Equal((3, 3, 1), (slow.Started, slow.Finished, slow.MostAtOnce));
    }

    [Fact]
    public async Task Start_ManyHostsAllBusy_AtMostMaxConcurrencyRunAndTheRestFollow()
    {
        var gates = new ProbeGates(maxConcurrency: 2, maxPerHost: 4);
        var prober = new FakeProber();

        for (var i = 0; i < 5; i++)
        {
            gates.Start($"host{i}.example", prober.ProbeAsync, CancellationToken.None);
        }

        await Eventually.TrueAsync(() => Task.FromResult(prober.Started == 2), "two probes to start");
        Assert.Equal(0, prober.Finished);

        prober.Release();
        await gates.DrainAsync();
        Assert.Equal((5, 5, 2), (prober.Started, prober.Finished, prober.MostAtOnce));
    }

    [Fact]
    public async Task DrainAsync_CancelledWhileProbesWait_EndsWithoutStartingThem()
    {
        using var cancel = new CancellationTokenSource();
        var gates = new ProbeGates(maxConcurrency: 1, maxPerHost: 1);
        var prober = new FakeProber();
        gates.Start("a.example", prober.ProbeAsync, cancel.Token);
        gates.Start("b.example", prober.ProbeAsync, cancel.Token);
        await Eventually.TrueAsync(() => Task.FromResult(prober.Started == 1), "the first probe to start");

        await cancel.CancelAsync();
        await gates.DrainAsync();

        Assert.Equal((1, 1), (prober.Started, prober.Finished));
    }

    /// <summary>Counts probes; each waits until <see cref="Release"/> (or its cancellation) before it ends.</summary>
    private sealed class FakeProber
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _started;
        private int _finished;
        private int _running;
        private int _mostAtOnce;

        public int Started => Volatile.Read(ref _started);

        public int Finished => Volatile.Read(ref _finished);

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public void Release() => _release.TrySetResult();

        public async Task ProbeAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref _started);
            var running = Interlocked.Increment(ref _running);
            InterlockedMax(ref _mostAtOnce, running);
            try
            {
                await _release.Task.WaitAsync(ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
                Interlocked.Increment(ref _finished);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}
