namespace Fleet.Api.Alerts.Delivery;

public static class DeliveryStatuses
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";

    /// <summary>The dead-letter list: refused for good, or out of attempts or time; retryable over REST.</summary>
    public const string Dead = "dead";

    public static IReadOnlyList<string> All { get; } = [Pending, Delivered, Dead];
}
