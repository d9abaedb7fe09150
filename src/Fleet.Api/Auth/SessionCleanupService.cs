namespace Fleet.Api.Auth;

/// <summary>Deletes expired session rows every hour (a session is refused once expired anyway; this keeps the table small).</summary>
internal sealed partial class SessionCleanupService(DatabaseTicketStore sessions, TimeProvider clock, ILogger<SessionCleanupService> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                var deleted = await sessions.DeleteExpiredAsync(stoppingToken);
                if (deleted > 0)
                {
                    LogDeleted(deleted);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} expired browser sessions")]
    private partial void LogDeleted(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete expired browser sessions; will try again in an hour")]
    private partial void LogFailed(Exception exception);
}
