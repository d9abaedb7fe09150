namespace Fleet.Api.Alerts.Delivery;

/// <summary>Which registered sender serves a destination type: the last one registered, as with any service, so a replacement (a test's) wins.</summary>
internal static class AlertSenders
{
    public static IAlertSender? For(this IEnumerable<IAlertSender> senders, string type) => senders.LastOrDefault(s => s.Type == type);
}
