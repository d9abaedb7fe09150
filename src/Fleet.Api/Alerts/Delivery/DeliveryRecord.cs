namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// One notice to one destination: the outbox row. Pending until delivered or dead; claimed by one worker at a time
/// through <see cref="LeaseOwner"/> and <see cref="LeaseUntil"/> (an expired lease is anybody's again).
/// </summary>
public sealed class DeliveryRecord
{
    public long Id { get; set; }

    /// <summary>No foreign key: a rule may still name a destination deleted since, and its notice must not fail the rule's transaction (it goes dead instead).</summary>
    public long DestinationId { get; set; }

    public long AlertId { get; set; }

    /// <summary><see cref="AlertNotice.Id"/>: stable across retries, the receivers' deduplication key.</summary>
    public required string NoticeId { get; set; }

    /// <summary>The <see cref="AlertNotice"/> as JSON (<see cref="DeliveryJsonContext"/>).</summary>
    public required string Notice { get; set; }

    /// <summary>One of <see cref="DeliveryStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary>Attempts made so far (a wait while the destination's circuit is open is none).</summary>
    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>When an operator last sent it back from the dead-letter list: attempts and MaxAge count from there.</summary>
    public DateTimeOffset? RetriedAt { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>When it was delivered or went dead.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The last attempt's error (the dead letter's reason).</summary>
    public string? LastError { get; set; }

    public List<DeliveryAttemptRecord> AttemptHistory { get; set; } = [];
}
