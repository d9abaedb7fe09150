namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// What one delivery attempt came to. <see cref="Error"/> is for operators (the dead-letter list, the attempt history):
/// short, and never a secret, a signature or a destination URL's query string.
/// </summary>
public sealed record DeliveryResult(DeliveryOutcome Outcome, int? Status = null, string? Error = null, TimeSpan? RetryAfter = null)
{
    public static DeliveryResult Delivered(int? status = null) => new(DeliveryOutcome.Delivered, status);

    public static DeliveryResult Retry(string error, int? status = null, TimeSpan? retryAfter = null) => new(DeliveryOutcome.Retry, status, error, retryAfter);

    public static DeliveryResult Permanent(string error, int? status = null) => new(DeliveryOutcome.Permanent, status, error);
}

public enum DeliveryOutcome
{
    /// <summary>The receiver accepted it (2xx, SMTP 250).</summary>
    Delivered,

    /// <summary>Worth trying again later: timeout, refused connection, 5xx, 429 (with its Retry-After), SMTP 4xx.</summary>
    Retry,

    /// <summary>Trying again cannot help: refused by the egress rules, 4xx other than 408/429, SMTP 5xx. Goes to the dead-letter list.</summary>
    Permanent,
}
