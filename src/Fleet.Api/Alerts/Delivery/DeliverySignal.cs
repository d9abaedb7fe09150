using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// Wakes this instance's delivery worker once enqueued deliveries are committed (not before: a worker woken earlier
/// would not see them yet and sleep a whole poll interval). The outbox marks the unit of work; the commit interceptor
/// (<see cref="OutboxCommitInterceptor"/>) fires the signal when that unit of work commits.
/// </summary>
internal sealed class DeliverySignal : IDisposable
{
    private readonly ConditionalWeakTable<DbContext, object> _marked = [];
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Dispose() => _wake.Dispose();

    public void Mark(DbContext db) => _marked.AddOrUpdate(db, this);

    /// <summary>Called after <paramref name="db"/> committed: signals if it held enqueued deliveries.</summary>
    public void Committed(DbContext db)
    {
        if (_marked.Remove(db))
        {
            Wake();
        }
    }

    public void RolledBack(DbContext db) => _marked.Remove(db);

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers every commit before it.
        }
    }

    /// <summary>Waits for a wake-up, at most until <paramref name="timeout"/> on <paramref name="clock"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(timeout, clock, cts.Token);
        var woken = _wake.WaitAsync(cts.Token);
        await Task.WhenAny(delay, woken);
        await cts.CancelAsync();
        ct.ThrowIfCancellationRequested();
        try
        {
            await Task.WhenAll(delay, woken);
        }
        catch (OperationCanceledException)
        {
            // The one that did not finish first.
        }
    }
}
