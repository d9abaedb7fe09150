using Fleet.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// This instance's share of the outbox: claims due deliveries it can start now (free slots, destinations under their
/// concurrency limit, circuits closed) and starts one attempt each (<see cref="DeliveryAttempts"/>). The worker calls
/// it when woken; tests call it directly and wait for <see cref="WhenIdleAsync"/>.
/// </summary>
internal sealed partial class DeliveryDispatcher(
    IServiceScopeFactory scopes,
    DeliveryAttempts attempts,
    DestinationCircuits circuits,
    DeliveryMetrics metrics,
    DeliverySignal signal,
    TimeProvider clock,
    IOptions<AlertDeliveryOptions> options,
    ILogger<DeliveryDispatcher> logger) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, int> _perDestination = [];
    private readonly Dictionary<long, Task> _running = [];
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>This instance's lease name: unique per process, so a restarted instance does not take its old leases for its own.</summary>
    public string Owner { get; } = $"{Environment.MachineName[..Math.Min(20, Environment.MachineName.Length)]}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    /// <summary>Attempts running now on this instance.</summary>
    public int Running
    {
        get
        {
            lock (_lock)
            {
                return _running.Count;
            }
        }
    }

    /// <summary>Claims and starts what can start now; returns how many attempts it started.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        var settings = options.Value;
        int free;
        List<long> full;
        lock (_lock)
        {
            free = settings.MaxConcurrency - _running.Count;
            full = [.. _perDestination.Where(p => p.Value >= settings.MaxPerDestination).Select(p => p.Key)];
        }

        if (free <= 0)
        {
            return 0;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        var dialect = scope.ServiceProvider.GetRequiredService<ISqlDialect>();
        var now = clock.GetUtcNow();
        await ResetChangedCircuitsAsync(db, ct);
        var ids = await DeliveryClaims.ClaimAsync(db, dialect, Owner, now, settings.LeaseTimeout, free, [.. full.Union(circuits.Blocked())], ct);
        if (ids.Count == 0)
        {
            return 0;
        }

        var rows = await db.AlertDeliveries.AsNoTracking().Where(d => ids.Contains(d.Id)).ToListAsync(ct);
        var destinationIds = rows.Select(r => r.DestinationId).Distinct().ToList();
        var destinations = await db.AlertDestinations.AsNoTracking().Where(d => destinationIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);

        var release = new List<long>();
        var started = 0;
        foreach (var row in rows.OrderBy(r => r.NextAttemptAt).ThenBy(r => r.Id))
        {
            var destination = destinations.GetValueOrDefault(row.DestinationId);
            if (!TryReserve(row.DestinationId, settings))
            {
                release.Add(row.Id);
                continue;
            }

            if (destination is not null && !circuits.TryEnter(destination.Id))
            {
                Unreserve(row.DestinationId);
                release.Add(row.Id);
                continue;
            }

            Start(row, destination);
            started++;
        }

        if (release.Count > 0)
        {
            await DeliveryClaims.ReleaseAsync(db, Owner, release, ct);
        }

        return started;
    }

    /// <summary>Completes when every attempt started so far has finished.</summary>
    public Task WhenIdleAsync()
    {
        lock (_lock)
        {
            return Task.WhenAll(_running.Values);
        }
    }

    /// <summary>Counts the pending deliveries (for the queue-depth gauge) and finds when the next one is due.</summary>
    public async Task<DateTimeOffset?> RefreshAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        var pending = db.AlertDeliveries.AsNoTracking().Where(d => d.Status == DeliveryStatuses.Pending);
        metrics.Pending(await pending.LongCountAsync(ct));
        var next = await pending.OrderBy(d => d.NextAttemptAt).Select(d => (DateTimeOffset?)d.NextAttemptAt).FirstOrDefaultAsync(ct);
        var probe = circuits.NextProbeAt();
        return next is null ? probe : probe is null || next < probe ? next : probe;
    }

    /// <summary>Reads the versions of the destinations holding a circuit here: one changed (on any instance) starts afresh.</summary>
    private async Task ResetChangedCircuitsAsync(FleetDbContext db, CancellationToken ct)
    {
        var tracked = circuits.Tracked();
        if (tracked.Count == 0)
        {
            return;
        }

        var ids = tracked.Keys.ToList();
        var current = await db.AlertDestinations.AsNoTracking().Where(d => ids.Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, d => d.UpdatedAt, ct);
        circuits.ResetChanged(current);
    }

    private bool TryReserve(long destinationId, AlertDeliveryOptions settings)
    {
        lock (_lock)
        {
            var current = _perDestination.GetValueOrDefault(destinationId);
            if (current >= settings.MaxPerDestination || _running.Count >= settings.MaxConcurrency)
            {
                return false;
            }

            _perDestination[destinationId] = current + 1;
            return true;
        }
    }

    /// <summary>Cancels the attempts in flight (their leases are given back) and waits for them: the host is stopping.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await WhenIdleAsync();
    }

    public void Dispose() => _stopping.Dispose();

    private void Unreserve(long destinationId)
    {
        lock (_lock)
        {
            var left = _perDestination.GetValueOrDefault(destinationId) - 1;
            if (left <= 0)
            {
                _perDestination.Remove(destinationId);
            }
            else
            {
                _perDestination[destinationId] = left;
            }
        }
    }

    private void Start(DeliveryRecord row, DestinationRecord? destination)
    {
        // Added under the lock that RunAsync's clean-up takes, so an attempt that ends at once still finds its entry.
        lock (_lock)
        {
            _running[row.Id] = Task.Run(() => RunAsync(row, destination));
        }
    }

    private async Task RunAsync(DeliveryRecord row, DestinationRecord? destination)
    {
        try
        {
            await attempts.RunAsync(row, destination, Owner, _stopping.Token);
        }
        catch (Exception ex)
        {
            // The lease runs out and another pass (here or elsewhere) tries again: at-least-once holds.
            LogAttemptFailed(row.Id, ex.GetType().Name);
        }
        finally
        {
            lock (_lock)
            {
                _running.Remove(row.Id);
            }

            Unreserve(row.DestinationId);
            signal.Wake();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording the attempt of alert delivery {DeliveryId} failed ({Error}); it is tried again when its lease ends")]
    private partial void LogAttemptFailed(long deliveryId, string error);
}
