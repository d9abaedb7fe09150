using Fleet.Agent.Configuration;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Health;

/// <summary>
/// Runs every health check on its own interval (jittered by up to −10 %, so a fleet started together does not check
/// together and a change is still seen within one interval) and reads the facts on Agent:Health:FactsInterval; results go to the <see cref="HealthStore"/>, which tells the
/// publisher of outcome changes.
/// </summary>
internal sealed partial class HealthRunner(
    IOptions<AgentOptions> options,
    HealthChecker checker,
    HealthStore store,
    TimeProvider clock,
    ILogger<HealthRunner> logger) : BackgroundService
{
    /// <summary>The name under which the facts' waits are announced by <see cref="Scheduled"/>.</summary>
    public const string FactsName = "(facts)";

    private HealthSettings Settings => options.Value.Health;

    /// <summary>Raised with the check's name and the delay once the wait before its next run has begun (a fake clock can then be advanced).</summary>
    public event Action<string, TimeSpan>? Scheduled;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Settings.Enabled)
        {
            LogDisabled();
            return;
        }

        var facts = new FactReader(options.Value.StateDirectory);
        await Task.WhenAll(Settings.Checks.Select(c => RepeatAsync(c.Name, c.Interval, ct => CheckAsync(c, ct), stoppingToken))
            .Append(RepeatAsync(FactsName, Settings.FactsInterval, ct => ReadFactsAsync(facts, ct), stoppingToken)));
    }

    private async Task RepeatAsync(string name, TimeSpan interval, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await work(ct);
                var delay = interval * (0.9 + (0.1 * Random.Shared.NextDouble()));
                var wait = Task.Delay(delay, clock, ct);
                Scheduled?.Invoke(name, delay);
                await wait;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task CheckAsync(HealthCheckSettings check, CancellationToken ct)
    {
        try
        {
            var result = await checker.RunAsync(check, ct);
            if (store.Record(result))
            {
                LogOutcome(check.Name, result.Outcome, result.Text ?? "-");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // One broken check must not end the others.
            LogCheckFailed(check.Name, ex.Message);
        }
    }

    private async Task ReadFactsAsync(FactReader reader, CancellationToken ct)
    {
        try
        {
            var facts = reader.Read() with { Throttled = await checker.ReadThrottledAsync(ct) };
            if (!string.IsNullOrEmpty(Settings.PublicIpUrl))
            {
                facts = facts with { PublicIp = await checker.ReadPublicIpAsync(Settings.PublicIpUrl, ct) };
            }

            store.SetFacts(facts);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogFactsFailed(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check {Name}: {Outcome} ({Text})")]
    private partial void LogOutcome(string name, string outcome, string text);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check {Name} could not run: {Message}")]
    private partial void LogCheckFailed(string name, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the health facts failed: {Message}")]
    private partial void LogFactsFailed(string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health is off (Agent:Health:Enabled is false)")]
    private partial void LogDisabled();
}
