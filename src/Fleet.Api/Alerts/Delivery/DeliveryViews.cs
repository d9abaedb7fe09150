namespace Fleet.Api.Alerts.Delivery;

/// <summary>One delivery in a list: to whom, about which alert, where it stands.</summary>
public sealed record DeliveryView(
    long Id,
    long AlertId,
    string NoticeId,
    long DestinationId,
    string? DestinationName,
    string Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? FinishedAt,
    string? LastError);

/// <summary>One attempt: when, how long, what came of it.</summary>
public sealed record DeliveryAttemptView(DateTimeOffset At, int DurationMs, string Outcome, int? Status, string? Error);

/// <summary>A delivery with what was sent and every attempt: who was told what, when.</summary>
public sealed record DeliveryDetailView(DeliveryView Delivery, AlertNotice? Notice, IReadOnlyList<DeliveryAttemptView> AttemptHistory);
