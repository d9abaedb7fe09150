using Fleet.Api.Data;
using Fleet.Domain.Messages;
using Fleet.Domain.Reachability;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Metrics;

/// <summary>
/// Keeps the number of detectors per status and per reachability (as the views show it: unknown unless online) in
/// memory, refreshed from the database every <see cref="MetricsOptions.DetectorRefreshInterval"/> with one GROUP BY
/// query, so a scrape never waits for the database. Until the first refresh succeeds nothing is reported (rather than
/// zeros that are not true).
/// </summary>
internal sealed partial class DetectorCounts(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<MetricsOptions> options,
    ILogger<DetectorCounts> logger) : BackgroundService
{
    public static readonly IReadOnlyList<string> Statuses = ["online", "offline", "lost", "unknown"];

    private volatile IReadOnlyDictionary<string, long>? _current;
    private volatile IReadOnlyDictionary<string, long>? _reachability;
    private bool _failing;

    /// <summary>The latest counts by status (every known status present), or null before the first refresh.</summary>
    public IReadOnlyDictionary<string, long>? Current => _current;

    /// <summary>The latest counts by reachability (every state present), or null before the first refresh.</summary>
    public IReadOnlyDictionary<string, long>? Reachability => _reachability;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DetectorRefreshInterval, clock);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The gauge keeps its last value; the failure is logged once until a refresh succeeds again.
                if (!_failing)
                {
                    _failing = true;
                    LogRefreshFailed(ex.GetType().Name, ex.Message);
                }
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    internal async Task RefreshAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        var rows = await db.Detectors.AsNoTracking()
            .GroupBy(d => new { d.Status, d.Reachability })
            .Select(g => new { g.Key.Status, g.Key.Reachability, Count = g.LongCount() })
            .ToListAsync(ct);

        var counts = Statuses.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
        var reachability = ReachabilityStates.All.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            counts[row.Status] = counts.GetValueOrDefault(row.Status) + row.Count;
            var shown = ReachabilityRules.ForView(row.Status, row.Reachability);
            reachability[shown] = reachability.GetValueOrDefault(shown) + row.Count;
        }

        _current = counts;
        _reachability = reachability;
        if (_failing)
        {
            _failing = false;
            LogRefreshRecovered();
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting detectors by status failed; the metric keeps its last value: {Error}: {Message}")]
    private partial void LogRefreshFailed(string error, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Counting detectors by status works again")]
    private partial void LogRefreshRecovered();
}
