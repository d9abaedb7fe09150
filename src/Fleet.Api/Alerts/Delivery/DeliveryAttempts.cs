using System.Security.Cryptography;
using System.Text.Json;
using Fleet.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// One attempt of one claimed delivery: sends through the <see cref="IAlertSender"/> of the destination's type, records
/// the attempt, and moves the delivery on: delivered, pending again after a backoff, or dead. Every write is fenced by
/// the lease, so an instance that lost its lease (it stalled past LeaseTimeout) records its attempt but decides nothing.
/// </summary>
internal sealed partial class DeliveryAttempts(
    IServiceScopeFactory scopes,
    IEnumerable<IAlertSender> senders,
    DestinationSecrets secrets,
    DestinationCircuits circuits,
    DeliveryBackoff backoff,
    DeliveryMetrics metrics,
    DeliverySignal signal,
    TimeProvider clock,
    IOptions<AlertDeliveryOptions> options,
    ILogger<DeliveryAttempts> logger)
{
    public async Task RunAsync(DeliveryRecord row, DestinationRecord? stored, string owner, CancellationToken stopping)
    {
        var settings = options.Value;
        var at = clock.GetUtcNow();
        var started = clock.GetTimestamp();
        var result = await SendAsync(row, stored, settings, stopping);
        if (result is null)
        {
            // Stopping: no attempt was made to count; the lease goes back for whoever runs next.
            await using var releaseScope = scopes.CreateAsyncScope();
            await DeliveryClaims.ReleaseAsync(releaseScope.ServiceProvider.GetRequiredService<FleetDbContext>(), owner, [row.Id], CancellationToken.None);
            return;
        }

        var elapsed = clock.GetElapsedTime(started);
        var type = stored?.Type ?? "unknown";
        metrics.Attempted(type, result.Outcome);
        var closed = stored is not null && circuits.Record(stored.Id, result.Outcome, settings, stored.UpdatedAt);

        var now = clock.GetUtcNow();
        var attempt = row.Attempts + 1;
        var error = Shorten(result.Error);
        var (status, next) = result.Outcome switch
        {
            DeliveryOutcome.Delivered => (DeliveryStatuses.Delivered, (DateTimeOffset?)null),
            DeliveryOutcome.Retry when attempt < settings.MaxAttempts && now - (row.RetriedAt ?? row.CreatedAt) < settings.MaxAge =>
                (DeliveryStatuses.Pending, now + backoff.Next(settings, attempt, result.RetryAfter)),
            _ => (DeliveryStatuses.Dead, null),
        };
        var lastError = status == DeliveryStatuses.Dead && result.Outcome == DeliveryOutcome.Retry
            ? Shorten($"gave up after {attempt} attempts: {error}")
            : error;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var updated = await db.AlertDeliveries
            .Where(d => d.Id == row.Id && d.LeaseOwner == owner && d.Status == DeliveryStatuses.Pending)
            .ExecuteUpdateAsync(
                s => s.SetProperty(d => d.Status, status)
                    .SetProperty(d => d.Attempts, d => d.Attempts + 1)
                    .SetProperty(d => d.NextAttemptAt, next ?? row.NextAttemptAt)
                    .SetProperty(d => d.FinishedAt, status == DeliveryStatuses.Pending ? (DateTimeOffset?)null : now)
                    .SetProperty(d => d.LastError, lastError)
                    .SetProperty(d => d.LeaseOwner, (string?)null)
                    .SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null),
                CancellationToken.None);
        db.AlertDeliveryAttempts.Add(new DeliveryAttemptRecord
        {
            DeliveryId = row.Id,
            At = at,
            DurationMs = (int)Math.Min(int.MaxValue, elapsed.TotalMilliseconds),
            Outcome = DeliveryMetrics.OutcomeName(result.Outcome),
            Status = result.Status,
            Error = error,
        });
        await db.SaveChangesAsync(CancellationToken.None);
        if (closed && stored is not null)
        {
            await DeliveryClaims.HurryAsync(db, stored.Id, now, CancellationToken.None);
        }

        await transaction.CommitAsync(CancellationToken.None);

        if (updated == 0)
        {
            LogLeaseLost(row.Id);
            return;
        }

        if (status == DeliveryStatuses.Delivered)
        {
            metrics.Delivered(type, now - row.CreatedAt);
        }
        else if (status == DeliveryStatuses.Dead)
        {
            metrics.DeadLettered(type);
            LogDeadLetter(row.Id, row.NoticeId, row.DestinationId, attempt, lastError);
        }

        if (closed)
        {
            signal.Wake();
        }
    }

    /// <summary>The attempt's result, or null when the host is stopping and it was cut short.</summary>
    private async Task<DeliveryResult?> SendAsync(DeliveryRecord row, DestinationRecord? stored, AlertDeliveryOptions settings, CancellationToken stopping)
    {
        if (stored is null)
        {
            return DeliveryResult.Permanent($"destination {row.DestinationId} no longer exists");
        }

        if (!stored.Enabled)
        {
            // An operator switched it off: nothing goes out; the dead letter can be retried once it is on again.
            return DeliveryResult.Permanent($"destination {row.DestinationId} is disabled");
        }

        var sender = senders.For(stored.Type);
        if (sender is null)
        {
            // Perhaps another instance (a newer version during a rolling update) can: not this one's call to give up.
            return DeliveryResult.Retry($"no sender for destination type '{stored.Type}' on this instance");
        }

        AlertNotice notice;
        AlertDestination destination;
        try
        {
            notice = JsonSerializer.Deserialize(row.Notice, DeliveryJsonContext.Default.AlertNotice)
                ?? throw new JsonException("The stored notice is null.");
            destination = DestinationMapping.ToDestination(stored, secrets);
        }
        catch (JsonException)
        {
            return DeliveryResult.Permanent("the stored notice cannot be read");
        }
        catch (CryptographicException)
        {
            return DeliveryResult.Permanent("the destination's secret cannot be decrypted (was the key ring replaced?)");
        }

        using var timeout = new CancellationTokenSource(settings.AttemptTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stopping);
        try
        {
            return await sender.SendAsync(destination, notice, linked.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            return DeliveryResult.Retry($"no answer within {settings.AttemptTimeout}");
        }
        catch (Exception ex)
        {
            // The type only: a sender's exception message may quote its URL (a secret for Slack).
            return DeliveryResult.Retry($"the sender failed: {ex.GetType().Name}");
        }
    }

    private static string? Shorten(string? error) =>
        error is null || error.Length <= DeliveryModel.MaxErrorLength ? error : error[..(DeliveryModel.MaxErrorLength - 1)] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert delivery {DeliveryId} (notice {NoticeId}, destination {DestinationId}) is dead after {Attempts} attempts: {Error}")]
    private partial void LogDeadLetter(long deliveryId, string noticeId, long destinationId, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert delivery {DeliveryId}: its lease ran out during the attempt; the attempt is recorded, another claim decides what happens next")]
    private partial void LogLeaseLost(long deliveryId);
}
