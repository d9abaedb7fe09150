using Microsoft.Extensions.Options;

namespace Fleet.Api.Alerts.Rules;

/// <summary>
/// Evaluates the alert rules: every <see cref="AlertRulesOptions.EvaluateInterval"/> (on the injected clock), all
/// events after the durable cursor in batches, then what has become due. Across API instances one evaluates at a time
/// (the cursor row is locked per batch); within one, passes never overlap.
/// </summary>
internal sealed partial class AlertEvaluator(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<AlertRulesOptions> options,
    ILogger<AlertEvaluator> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.EvaluateInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await EvaluateOnceAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    // The transaction rolled back and the cursor did not move: the same events are evaluated next time.
                    LogPassFailed(ex.GetType().Name, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One pass: every event after the cursor, then what is due now. Returns the number of events evaluated.</summary>
    internal async Task<int> EvaluateOnceAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var total = 0;
            while (true)
            {
                await using var scope = scopes.CreateAsyncScope();
                var batch = scope.ServiceProvider.GetRequiredService<EvaluationBatch>();
                var (count, more) = await batch.RunAsync(clock.GetUtcNow(), options.Value.BatchSize, ct);
                total += count;
                if (!more)
                {
                    return total;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert evaluation failed, retrying at the next interval: {Error}: {Message}")]
    private partial void LogPassFailed(string error, string message);
}
