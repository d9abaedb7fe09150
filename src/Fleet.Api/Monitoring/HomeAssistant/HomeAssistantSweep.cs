using Fleet.Api.Data;
using Fleet.Api.Detectors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Monitoring.HomeAssistant;

/// <summary>
/// At start (discovery enabled): publishes every detector's configs once, in id order, a page at a time, at most
/// <see cref="HomeAssistantOptions.StartupRate"/> config messages per second, so 100,000 detectors do not flood the
/// broker or Home Assistant. Waits for the API's MQTT connection first. Changes after that come from the monitoring
/// publisher; a detector it already published is skipped here.
/// </summary>
internal sealed partial class HomeAssistantSweep(
    HomeAssistantDiscovery discovery,
    MonitoringMqtt mqtt,
    IServiceScopeFactory scopes,
    IOptions<HomeAssistantOptions> options,
    TimeProvider clock,
    ILogger<HomeAssistantSweep> logger) : BackgroundService
{
    private const int PageSize = 500;
    private static readonly TimeSpan ConnectPoll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>Whether the sweep has published (or skipped) every detector it read.</summary>
    public bool Completed { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var after = string.Empty;
        var detectors = 0;
        var rate = options.Value.StartupRate;
        var windowStart = clock.GetTimestamp();
        var sent = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (!mqtt.IsReady)
                {
                    await Task.Delay(ConnectPoll, clock, stoppingToken);
                }

                var page = await ReadPageAsync(after, stoppingToken);
                foreach (var view in page)
                {
                    sent += await discovery.PublishIfNewAsync(view, stoppingToken);
                    after = view.Id;
                    detectors++;
                    if (sent >= rate)
                    {
                        var left = Second - clock.GetElapsedTime(windowStart);
                        if (left > TimeSpan.Zero)
                        {
                            await Task.Delay(left, clock, stoppingToken);
                        }

                        windowStart = clock.GetTimestamp();
                        sent = 0;
                    }
                }

                if (page.Count < PageSize)
                {
                    Completed = true;
                    LogSwept(detectors, options.Value.Prefix);
                    return;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The broker or the database is away: continue after the last detector published, a little later.
                LogSweepFailed(after, ex.GetType().Name, ex.Message);
                await Task.Delay(RetryDelay, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task<List<Fleet.Domain.Messages.DetectorView>> ReadPageAsync(string after, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        var records = await db.Detectors.AsNoTracking().Include(d => d.Tunnels)
            .Where(d => string.Compare(d.Id, after) > 0)
            .OrderBy(d => d.Id)
            .Take(PageSize)
            .ToListAsync(ct);
        return [.. records.Select(r => r.ToView())];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Home Assistant discovery: configs of {Detectors} detectors published or up to date below {Prefix}/")]
    private partial void LogSwept(int detectors, string prefix);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Home Assistant discovery: publishing the configs at start stopped after detector '{After}': {Error}: {Message}; retrying")]
    private partial void LogSweepFailed(string after, string error, string message);
}
