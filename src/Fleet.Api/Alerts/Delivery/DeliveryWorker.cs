using Microsoft.Extensions.Options;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// Runs this instance's <see cref="DeliveryDispatcher"/>: a pass whenever something was enqueued and committed here,
/// an attempt finished (a slot or a destination freed up), the next delivery or circuit probe is due, or PollInterval
/// passed (deliveries enqueued by other instances, leases of instances that died).
/// </summary>
internal sealed partial class DeliveryWorker(
    DeliveryDispatcher dispatcher,
    DeliverySignal signal,
    TimeProvider clock,
    IOptions<AlertDeliveryOptions> options,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    private static readonly TimeSpan MinWait = TimeSpan.FromMilliseconds(10);

    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.Value.PollInterval;
            try
            {
                // Keep claiming while each pass starts something: a burst fills every free slot at once.
                while (await dispatcher.DispatchDueAsync(stoppingToken) > 0)
                {
                }

                if (await dispatcher.RefreshAsync(stoppingToken) is { } next && next - clock.GetUtcNow() < wait)
                {
                    wait = next - clock.GetUtcNow() is var until && until > MinWait ? until : MinWait;
                }

                if (_failing)
                {
                    _failing = false;
                    LogRecovered();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database is away, most likely: the outbox keeps everything, the next pass tries again.
                if (!_failing)
                {
                    _failing = true;
                    LogPassFailed(ex.GetType().Name, ex.Message);
                }
            }

            try
            {
                await signal.WaitAsync(wait, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await dispatcher.StopAsync().WaitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert delivery pass failed ({ErrorType}: {Error}); the outbox keeps the deliveries and the next pass tries again")]
    private partial void LogPassFailed(string errorType, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert delivery passes work again")]
    private partial void LogRecovered();
}
