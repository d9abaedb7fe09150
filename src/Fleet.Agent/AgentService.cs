namespace Fleet.Agent;

/// <summary>
/// Placeholder for the agent's supervision loop (tunnel providers and publishing come with the agent issue):
/// the project exists so the solution, the systemd integration and the packaging are in place from the start.
/// </summary>
internal sealed partial class AgentService(ILogger<AgentService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted();
        return Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fleet agent started; no tunnel provider is configured yet")]
    private partial void LogStarted();
}
