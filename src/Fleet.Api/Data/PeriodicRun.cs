namespace Fleet.Api.Data;

/// <summary>
/// The loop of the background cleanups: one run at start, then one every interval; a failed run is reported and the
/// next one comes on time, so a database that was away for a while costs one interval, not the service.
/// </summary>
internal static class PeriodicRun
{
    public static async Task LoopAsync(
        TimeSpan interval, TimeProvider clock, Func<CancellationToken, Task> run, Action<Exception> failed, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            do
            {
                try
                {
                    await run(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    failed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
