using System.Diagnostics;
using Fleet.Api.Data;
using Fleet.Domain.Messages;
using Fleet.Domain.Retry;
using Microsoft.Extensions.Options;

using Fleet.Api.Registry;
namespace Fleet.Api.Ingest;

/// <summary>
/// The single consumer of the ingest queue: takes what is already queued (up to <c>Ingest:BatchSize</c>, without
/// waiting for more), applies it in one transaction and acknowledges each message, in receive order, only after
/// the commit. While the database is unavailable it retries the same batch with backoff and acknowledges nothing,
/// so the broker keeps everything until the write succeeds.
/// </summary>
internal sealed partial class IngestService(
    IngestQueue queue,
    IServiceScopeFactory scopes,
    IngestMetrics metrics,
    RejectionLog rejections,
    IEventSink events,
    IDetectorChanges registry,
    ChangeBudget budget,
    TimeProvider clock,
    IOptions<IngestOptions> options,
    ILogger<IngestService> logger) : BackgroundService
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _takeovers = new(StringComparer.Ordinal);
    private int _commits;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batchSize = options.Value.BatchSize;
        var batch = new List<IngestItem>(batchSize);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < batchSize && queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                queue.Took(batch.Count);
                await HandleBatchAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Unacknowledged messages stay with the broker session and come back on the next connection.
        }
    }

    internal async Task HandleBatchAsync(IReadOnlyList<IngestItem> items, CancellationToken ct)
    {
        var toWrite = new List<IngestItem.Write>(items.Count);
        foreach (var item in items)
        {
            switch (item)
            {
                case IngestItem.Rejected { Rejection: var rejection }:
                    metrics.Rejected(rejection.ReasonName);
                    rejections.Report(item.Topic, rejection);
                    break;
                case IngestItem.RetainedClear:
                    metrics.Ignored();
                    LogRetainedClear(item.Topic);
                    break;
                case IngestItem.Write write:
                    toWrite.Add(write);
                    break;
            }
        }

        if (toWrite.Count > 0)
        {
            IReadOnlyList<IngestOutcome?> outcomes;
            await budget.WriteGate.WaitAsync(ct);
            try
            {
                outcomes = await WriteAsync(toWrite, ct);
            }
            finally
            {
                budget.WriteGate.Release();
            }

            // One change per detector and batch, with all its events in order: the sink reads the detector's
            // current view anyway, so a detector heard five times in a batch costs one registry update, not five.
            var changes = new Dictionary<string, List<FleetEvent>>(StringComparer.Ordinal);
            for (var i = 0; i < toWrite.Count; i++)
            {
                if (Count(toWrite[i], outcomes[i]))
                {
                    var id = toWrite[i].DetectorId;
                    if (!changes.TryGetValue(id, out var list))
                    {
                        changes[id] = list = [];
                    }

                    list.AddRange(outcomes[i]!.Events);
                }
            }

            // Every detector the batch wrote, applied or not (a refused message may still have moved its row), queued
            // for the registry without waiting: re-reads queued while one runs merge into one statement.
            registry.Changed(toWrite.Select(w => w.DetectorId).ToHashSet(StringComparer.Ordinal));
            foreach (var (id, list) in changes)
            {
                await events.PublishAsync(id, list, ct);
            }
        }

        foreach (var item in items)
        {
            await AcknowledgeAsync(item, ct);
        }
    }

    /// <summary>Counts one written message; true when it applied (changed the detector).</summary>
    private bool Count(IngestItem.Write item, IngestOutcome? outcome)
    {
        if (outcome is null)
        {
            return false;
        }

        var kind = item is IngestItem.State ? "state" : "status";
        NoteTakeovers(item);
        if (item.Delivery is not null)
        {
            metrics.Committed(kind, Stopwatch.GetElapsedTime(item.ReceivedAt));
        }

        if (outcome.Applied)
        {
            metrics.Applied(kind);
        }
        else
        {
            metrics.Stale(kind);
        }

        return outcome.Applied;
    }

    /// <summary>
    /// An agent whose session keeps being taken over says so in agent.takeovers: two Pis share one identity. Reported
    /// (metric and warning) when the count goes up, whether or not its state was applied: the clone with the lower
    /// epoch is the one whose states are stale.
    /// </summary>
    private void NoteTakeovers(IngestItem.Write item)
    {
        if (item is not IngestItem.State { Message: var state, DetectorId: var id })
        {
            return;
        }

        if (state.Agent?.Takeovers is not { } count)
        {
            // The series ended (or never began): the next one counts from zero.
            _takeovers.TryRemove(id, out _);
            return;
        }

        // A lower count than last time is a new series (the agent restarted), not a repeat.
        var previous = _takeovers.GetValueOrDefault(id) is var last && last <= count ? last : 0;
        _takeovers[id] = count;
        if (count > previous)
        {
            metrics.IdentityConflicts(count - previous);
            LogIdentityConflict(id, count);
        }
    }

    /// <summary>The outcome per item, committed; null for a message the database refused (dropped).</summary>
    private async Task<IReadOnlyList<IngestOutcome?>> WriteAsync(List<IngestItem.Write> items, CancellationToken ct)
    {
        IReadOnlyList<IngestWrite> writes = [.. items.Select(i => i.ToWrite())];
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var writer = scope.ServiceProvider.GetRequiredService<IngestWriter>();
                var outcomes = await writer.ApplyBatchAsync(writes, ct);
                metrics.Coalesced(writer.Coalesced);
                AfterCommit(writes.Count);
                return outcomes;
            }
            catch (Exception ex) when (IsPoison(ex) && items.Count > 1)
            {
                // One message of the batch is refused: the whole transaction is gone. Applying the batch one message
                // at a time (same order) drops only the poison message and keeps the stream moving.
                LogBatchRefused(items.Count, ex.GetBaseException().Message);
                var outcomes = new List<IngestOutcome?>(items.Count);
                foreach (var item in items)
                {
                    outcomes.Add((await WriteAsync([item], ct))[0]);
                }

                return outcomes;
            }
            catch (Exception ex) when (IsPoison(ex))
            {
                // The database refuses this message itself (a constraint or a value it cannot hold): retrying would
                // stall the stream forever, so it is counted, logged and acknowledged like an invalid payload.
                metrics.Rejected("store-refused");
                LogStoreRefused(items[0].Topic, ex.GetBaseException().Message);
                return [null];
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && IsRetried(ex))
            {
                metrics.Retried();
                var delay = Backoff.Delay(attempt, options.Value.RetryMinDelay, options.Value.RetryMaxDelay);
                LogWriteFailed(items.Count, items[0].Topic, attempt, delay, ex.GetType().Name, ex.Message);
                await Task.Delay(delay, clock, ct);
            }
        }
    }

    /// <summary>Counts a committed batch; the fault point <c>Ingest:Faults:KillAfterCommits</c> dies here, before any acknowledgement.</summary>
    private void AfterCommit(int messages)
    {
        metrics.Batch(messages);
        var killAfter = options.Value.Faults.KillAfterCommits;
        if (killAfter > 0 && ++_commits == killAfter)
        {
            LogFaultKill(_commits, messages);

            // The console logger writes from a queue on another thread, which the kill may beat: say it synchronously too.
            Console.Error.WriteLine($"Fault injection (Ingest:Faults:KillAfterCommits): killed after commit {_commits}, before acknowledging it");
            Console.Error.Flush();
            Process.GetCurrentProcess().Kill();
        }
    }

    private static bool IsPoison(Exception ex) => DatabaseFailures.Classify(ex) == DatabaseFailure.Poison;

    // DatabaseFailures decides (poison was caught above). Transient failures are retried; so are faults (a bug): a
    // message must not be lost because of one, and a bug retries visibly in the log and the retry counter. EF and
    // the drivers also raise timeouts, I/O and state errors (a connection dropped mid-transaction) outside any
    // DbException: those are the connection too.
    private static bool IsRetried(Exception ex) =>
        DatabaseFailures.Classify(ex) is DatabaseFailure.Transient or DatabaseFailure.Fault || IsConnectionError(ex);

    private static bool IsConnectionError(Exception ex) =>
        ex is TimeoutException or IOException or InvalidOperationException
        || ex.InnerException is not null && IsConnectionError(ex.InnerException);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing a batch of {Count} messages (first on {Topic}) failed (attempt {Attempt}), retrying in {Delay}: {Error}: {Message}")]
    private partial void LogWriteFailed(int count, string topic, int attempt, TimeSpan delay, string error, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database refused a batch of {Count} messages; applying them one at a time to drop only the refused one: {Message}")]
    private partial void LogBatchRefused(int count, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "The database refused the message on {Topic}; it is dropped: {Message}")]
    private partial void LogStoreRefused(string topic, string message);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Fault injection (Ingest:Faults:KillAfterCommits): killing the process after commit {Commits} ({Messages} messages), before acknowledging them")]
    private partial void LogFaultKill(int commits, int messages);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not acknowledge the message on {Topic}; the broker will redeliver it: {Message}")]
    private partial void LogAckFailed(string topic, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Detector {DetectorId} reports that another client took its MQTT session over {Takeovers} time(s) in a row: two Pis share its identity (a cloned SD card?); give each its own")]
    private partial void LogIdentityConflict(string detectorId, int takeovers);
}
