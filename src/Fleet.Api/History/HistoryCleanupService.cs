using Fleet.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.History;

/// <summary>Deletes events older than <see cref="HistoryOptions.Retention"/>: once at start, then every interval.</summary>
internal sealed partial class HistoryCleanupService(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<HistoryOptions> options,
    ILogger<HistoryCleanupService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicRun.LoopAsync(options.Value.CleanupInterval, clock, RunOnceAsync, ex => LogFailed(ex, options.Value.CleanupInterval), stoppingToken);

    internal async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - options.Value.Retention;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        var deleted = await db.Events.Where(e => e.At < cutoff).ExecuteDeleteAsync(ct);
        if (deleted > 0)
        {
            LogDeleted(deleted, cutoff);
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} events older than {Cutoff}")]
    private partial void LogDeleted(int count, DateTimeOffset cutoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "History cleanup failed; trying again in {Interval}")]
    private partial void LogFailed(Exception exception, TimeSpan interval);
}
