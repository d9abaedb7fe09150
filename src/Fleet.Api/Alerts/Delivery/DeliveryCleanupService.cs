using Fleet.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// The outbox's retention: deliveries delivered more than Alerts:Delivery:Retention ago go with their attempts, in
/// batches of CleanupBatchSize (each its own short statement, so the claims of the workers never wait long); once at
/// start, then every CleanupInterval. Pending deliveries and dead letters stay: a dead letter is the operator's to
/// retry or delete (DELETE /alerts/deliveries/{id}). Every instance runs it; two at once delete each row once.
/// </summary>
internal sealed partial class DeliveryCleanupService(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<AlertDeliveryOptions> options,
    ILogger<DeliveryCleanupService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicRun.LoopAsync(options.Value.CleanupInterval, clock, RunOnceAsync, ex => LogFailed(ex.GetType().Name, ex.Message, options.Value.CleanupInterval), stoppingToken);

    internal async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var cutoff = clock.GetUtcNow() - settings.Retention;
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
            var ids = await db.AlertDeliveries.AsNoTracking()
                .Where(d => d.Status == DeliveryStatuses.Delivered && d.FinishedAt < cutoff)
                .OrderBy(d => d.FinishedAt).Select(d => d.Id).Take(settings.CleanupBatchSize)
                .ToListAsync(ct);
            if (ids.Count == 0)
            {
                break;
            }

            // The attempts first and explicitly: the cascade is the database's, and a batch is one transaction either way.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.AlertDeliveryAttempts.Where(a => ids.Contains(a.DeliveryId)).ExecuteDeleteAsync(ct);
            total += await db.AlertDeliveries.Where(d => ids.Contains(d.Id) && d.Status == DeliveryStatuses.Delivered).ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
            if (ids.Count < settings.CleanupBatchSize)
            {
                break;
            }
        }

        if (total > 0)
        {
            LogDeleted(total, cutoff);
        }

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} alert deliveries delivered before {Cutoff} (Alerts:Delivery:Retention)")]
    private partial void LogDeleted(int count, DateTimeOffset cutoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert delivery cleanup failed ({Error}: {Message}); trying again in {Interval}")]
    private partial void LogFailed(string error, string message, TimeSpan interval);
}
