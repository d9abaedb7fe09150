using Fleet.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Audit;

/// <summary>Deletes audit entries older than <see cref="AuditOptions.Retention"/>: once at start, then every interval.</summary>
internal sealed partial class AuditCleanupService(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<AuditOptions> options,
    ILogger<AuditCleanupService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicRun.LoopAsync(options.Value.CleanupInterval, clock, RunOnceAsync, ex => LogFailed(ex.GetType().Name, options.Value.CleanupInterval), stoppingToken);

    internal async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - options.Value.Retention;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        var deleted = await db.Set<AuditRecord>().Where(e => e.At < cutoff).ExecuteDeleteAsync(ct);
        if (deleted > 0)
        {
            LogDeleted(deleted, cutoff);
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} audit entries older than {Cutoff}")]
    private partial void LogDeleted(int count, DateTimeOffset cutoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit cleanup failed ({Error}); trying again in {Interval}")]
    private partial void LogFailed(string error, TimeSpan interval);
}
