namespace Fleet.Api.Alerts.Delivery;

/// <summary>One try to deliver: "who was told what, when", and how it went.</summary>
public sealed class DeliveryAttemptRecord
{
    public long Id { get; set; }

    public long DeliveryId { get; set; }

    public DateTimeOffset At { get; set; }

    public int DurationMs { get; set; }

    /// <summary>delivered, retry or permanent (<see cref="DeliveryOutcome"/> in lower case).</summary>
    public required string Outcome { get; set; }

    /// <summary>The receiver's HTTP or SMTP status, when it answered.</summary>
    public int? Status { get; set; }

    public string? Error { get; set; }
}
