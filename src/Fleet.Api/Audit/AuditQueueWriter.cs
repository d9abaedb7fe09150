using Fleet.Api.Data;

namespace Fleet.Api.Audit;

/// <summary>
/// Writes the queued entries of <see cref="AuditLog.Enqueue"/> in batches (one insert round per batch). A batch that
/// fails is reported and dropped: the audit of link opens must not grow without bound while the database is away.
/// </summary>
internal sealed partial class AuditQueueWriter(AuditLog audit, IServiceScopeFactory scopes, ILogger<AuditQueueWriter> logger) : BackgroundService
{
    private const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = audit.Pending;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                await WriteBatchAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // What is already queued still goes in, briefly: a stopping API should not forget the last opens.
            using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await WriteBatchAsync(drain.Token);
        }
    }

    private async Task WriteBatchAsync(CancellationToken ct)
    {
        var batch = new List<AuditRecord>(BatchSize);
        while (batch.Count < BatchSize && audit.Pending.TryRead(out var entry))
        {
            batch.Add(entry);
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
            db.AddRange(batch);
            await db.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogFailed(ex.GetType().Name, batch.Count);
        }
        catch (OperationCanceledException)
        {
            LogFailed("stopped", batch.Count);
        }
    }

    // The exception's type only: a database message could quote values, and the log needs only that it failed.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} audit entries (link opens) failed ({Error}); they are not recorded")]
    private partial void LogFailed(string error, int count);
}
