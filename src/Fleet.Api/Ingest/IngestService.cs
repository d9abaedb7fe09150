using System.Data.Common;
using System.Diagnostics;
using Fleet.Domain.Messages;
using Fleet.Domain.Retry;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Ingest;

/// <summary>
/// The single consumer of the ingest queue: applies each message in its own transaction and acknowledges it to
/// the broker only after the commit. While the database is unavailable it retries the same message with backoff
/// and acknowledges nothing, so the broker keeps everything until the write succeeds.
/// </summary>
internal sealed partial class IngestService(
    IngestQueue queue,
    IServiceScopeFactory scopes,
    IngestMetrics metrics,
    RejectionLog rejections,
    IEventSink events,
    TimeProvider clock,
    IOptions<IngestOptions> options,
    ILogger<IngestService> logger) : BackgroundService
{
    private int _commits;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var item in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await HandleAsync(item, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Unacknowledged messages stay with the broker session and come back on the next connection.
        }
    }

    internal async Task HandleAsync(IngestItem item, CancellationToken ct)
    {
        if (item.Rejection is { } rejection)
        {
            metrics.Rejected(rejection.ReasonName);
            rejections.Report(item.Topic, rejection);
        }
        else if (item.IsRetainedClear)
        {
            metrics.Ignored();
            LogRetainedClear(item.Topic);
        }
        else
        {
            var outcome = await WriteWithRetryAsync(item, ct);
            var kind = item.State is not null ? "state" : "status";
            if (item.Delivery is not null)
            {
                metrics.Committed(kind, Stopwatch.GetElapsedTime(item.ReceivedAt));
            }

            if (outcome.Applied)
            {
                metrics.Applied(kind);
                await events.PublishAsync(item.DetectorId!, outcome.Events, ct);
            }
            else
            {
                metrics.Stale(kind);
            }
        }

        await AcknowledgeAsync(item, ct);
    }

    private async Task<IngestOutcome> WriteWithRetryAsync(IngestItem item, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var writer = scope.ServiceProvider.GetRequiredService<IngestWriter>();
                var outcome = item.State is { } state
                    ? await writer.ApplyStateAsync(item.DetectorId!, state, ct)
                    : await writer.ApplyStatusAsync(item.DetectorId!, item.Status!, ct);
                AfterCommit();
                return outcome;
            }
            catch (Exception ex) when (IsPoison(ex))
            {
                // The database refuses this message itself (a constraint or a value it cannot hold): retrying would
                // stall the stream forever, so it is counted, logged and acknowledged like an invalid payload.
                metrics.Rejected("store-refused");
                LogStoreRefused(item.Topic, ex.GetBaseException().Message);
                return IngestOutcome.Stale;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && IsTransient(ex))
            {
                metrics.Retried();
                var delay = Backoff.Delay(attempt, options.Value.RetryMinDelay, options.Value.RetryMaxDelay);
                LogWriteFailed(item.Topic, attempt, delay, ex.GetType().Name, ex.Message);
                await Task.Delay(delay, clock, ct);
            }
        }
    }

    /// <summary>The fault point <c>Ingest:Faults:KillAfterCommits</c>: dies between a commit and its acknowledgements.</summary>
    private void AfterCommit()
    {
        var killAfter = options.Value.Faults.KillAfterCommits;
        if (killAfter > 0 && ++_commits == killAfter)
        {
            LogFaultKill(_commits);
            Process.GetCurrentProcess().Kill();
        }
    }

    // Anything from the database or the network is worth retrying: a message must not be lost because the
    // database restarted. A bug would retry forever and show up in the log and the retry counter.
    private static bool IsTransient(Exception ex) =>
        ex is DbException or TimeoutException or IOException or InvalidOperationException
        || ex.InnerException is not null && IsTransient(ex.InnerException);

    private static bool IsPoison(Exception ex) => ex.GetBaseException() switch
    {
        Npgsql.PostgresException pg => pg.SqlState.StartsWith("22", StringComparison.Ordinal) || pg.SqlState.StartsWith("23", StringComparison.Ordinal),
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode is 19 or 20,
        _ => false,
    };

    private async Task AcknowledgeAsync(IngestItem item, CancellationToken ct)
    {
        if (item.Delivery is null)
        {
            return;
        }

        try
        {
            await item.Delivery.AcknowledgeAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The connection that delivered it is gone; the broker redelivers it on the next session and the
            // version guard makes applying it twice harmless.
            LogAckFailed(item.Topic, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored a zero-byte retained message on {Topic}: clearing a retained message never deletes stored data")]
    private partial void LogRetainedClear(string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the message on {Topic} failed (attempt {Attempt}), retrying in {Delay}: {Error}: {Message}")]
    private partial void LogWriteFailed(string topic, int attempt, TimeSpan delay, string error, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "The database refused the message on {Topic}; it is dropped: {Message}")]
    private partial void LogStoreRefused(string topic, string message);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Fault injection (Ingest:Faults:KillAfterCommits): killing the process after commit {Commits}, before acknowledging it")]
    private partial void LogFaultKill(int commits);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not acknowledge the message on {Topic}; the broker will redeliver it: {Message}")]
    private partial void LogAckFailed(string topic, string message);
}
