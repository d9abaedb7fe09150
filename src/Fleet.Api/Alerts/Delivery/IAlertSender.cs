namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// Sends one notice to one destination of its <see cref="Type"/>, once: retries, backoff, concurrency limits and the
/// circuit breaker belong to the delivery worker, not here. Must honour the egress rules (no loopback, private or
/// metadata address unless Alerts:AllowedNetworks names it), never follow redirects, and finish within its own
/// timeout; must not throw for a failed delivery (return <see cref="DeliveryResult.Retry"/> or Permanent).
/// </summary>
public interface IAlertSender
{
    /// <summary>One of <see cref="DestinationTypes"/>.</summary>
    string Type { get; }

    Task<DeliveryResult> SendAsync(AlertDestination destination, AlertNotice notice, CancellationToken cancellationToken);
}
