using System.Threading.Channels;
using Fleet.Api.Data;
using Fleet.Domain.Validation;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Reachability;

/// <summary>
/// Runs the probe in rounds, one per Probe:Interval: pages through the online detectors' tunnels and starts each probe
/// at its own moment of the round (an even spread over the interval, each moved at random within its slot by
/// Probe:Jitter), at most Probe:MaxConcurrency at once and Probe:MaxPerHost per URL host (<see cref="ProbeGates"/>: a
/// busy host delays only its own probes). Results go to the
/// <see cref="IProbeResultSink"/> through a bounded channel, in batches of what arrives within Probe:StoreEvery.
/// </summary>
internal sealed partial class ProbeScheduler(
    IServiceScopeFactory scopes,
    IServiceProvider services,
    UrlProber prober,
    TimeProvider clock,
    IOptions<ProbeOptions> options,
    ILogger<ProbeScheduler> logger) : BackgroundService
{
    private const int PageSize = 500;
    private const int SinkBatch = 512;
    private static readonly TimeSpan StartTick = TimeSpan.FromMilliseconds(20);

    private readonly Channel<ProbeResult> _results = Channel.CreateBounded<ProbeResult>(
        new BoundedChannelOptions(4096) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Rounds finished since the start (tests wait on it).</summary>
    public int Rounds => Volatile.Read(ref _rounds);

    private int _rounds;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            return;
        }

        if (services.GetService<IProbeResultSink>() is not { } sink)
        {
            LogNoSink();
            return;
        }

        LogEnabled(o.Interval, o.MaxConcurrency, o.AllowedNetworks.Count == 0 ? "none" : string.Join(", ", o.AllowedNetworks));
        var pump = PumpAsync(sink, stoppingToken);
        using var timer = new PeriodicTimer(o.Interval, clock);
        try
        {
            do
            {
                try
                {
                    await RunRoundAsync(stoppingToken);
                    Interlocked.Increment(ref _rounds);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    LogRoundFailed(ex.GetType().Name, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            _results.Writer.TryComplete();
            await pump;
        }
    }

    /// <summary>One round: every target probed once, spread over the interval minus one timeout so the round ends in time.</summary>
    internal async Task RunRoundAsync(CancellationToken ct)
    {
        var o = options.Value;
        var start = clock.GetTimestamp();
        var window = o.Interval - o.Timeout > TimeSpan.Zero ? o.Interval - o.Timeout : TimeSpan.Zero;
        var gates = new ProbeGates(o.MaxConcurrency, o.MaxPerHost);

        int total;
        using (var scope = scopes.CreateScope())
        {
            total = await ProbeTargets.CountAsync(scope.ServiceProvider.GetRequiredService<FleetDbContext>(), ct);
        }

        var index = 0;
        (string Detector, string Tunnel)? after = null;
        while (true)
        {
            List<ProbeTarget> page;
            using (var scope = scopes.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
                page = await ProbeTargets.PageAsync(db, after?.Detector, after?.Tunnel, PageSize, ct);
            }

            foreach (var target in page)
            {
                var due = total == 0 ? TimeSpan.Zero : window * ((index + (o.Jitter * Random.Shared.NextDouble())) / total);
                index++;
                // Probes due within one tick start together: a timer per probe (hundreds a second) costs more CPU than the
                // probes, and a tick is nothing against the interval's spread.
                var wait = due - clock.GetElapsedTime(start);
                if (wait > StartTick)
                {
                    await Task.Delay(wait, clock, ct);
                }

                gates.Start(UrlRules.Target(target.Url)?.Host ?? target.Url, probeCt => ProbeOneAsync(target, probeCt), ct);
            }

            if (page.Count < PageSize)
            {
                break;
            }

            after = (page[^1].DetectorId, page[^1].Tunnel);
        }

        // The round ends when its last probe has.
        await gates.DrainAsync();
    }

    private async Task ProbeOneAsync(ProbeTarget target, CancellationToken ct)
    {
        try
        {
            var attempt = await prober.ProbeAsync(target.Url, ct);
            await _results.Writer.WriteAsync(new ProbeResult(target.DetectorId, target.Tunnel, target.Url, attempt.Check), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            LogProbeFailed(target.DetectorId, target.Tunnel, ex.GetType().Name, ex.Message);
        }
    }

    private async Task PumpAsync(IProbeResultSink sink, CancellationToken ct)
    {
        var batch = new List<ProbeResult>(SinkBatch);
        try
        {
            while (await _results.Reader.WaitToReadAsync(ct))
            {
                await GatherAsync(batch, ct);

                try
                {
                    await sink.WriteAsync(batch, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The next round probes again: a lost batch costs one interval of freshness, not correctness.
                    LogSinkFailed(batch.Count, ex.GetType().Name, ex.Message);
                }

                batch = new List<ProbeResult>(SinkBatch);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// From the first result on, what else arrives within Probe:StoreEvery (at most a batch): a transaction a second
    /// instead of one per probe, so the detectors a change locks are locked once, not hundreds of times a second.
    /// </summary>
    private async Task GatherAsync(List<ProbeResult> batch, CancellationToken ct)
    {
        using var elapsed = new CancellationTokenSource(options.Value.StoreEvery, clock);
        using var window = CancellationTokenSource.CreateLinkedTokenSource(ct, elapsed.Token);
        while (batch.Count < SinkBatch)
        {
            if (_results.Reader.TryRead(out var result))
            {
                batch.Add(result);
                continue;
            }

            try
            {
                if (!await _results.Reader.WaitToReadAsync(window.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reachability probe on: every {Interval}, at most {MaxConcurrency} at once; networks allowed besides public ones: {Networks}")]
    private partial void LogEnabled(TimeSpan interval, int maxConcurrency, string networks);

    [LoggerMessage(Level = LogLevel.Error, Message = "Probe:Enabled is true but nothing stores probe results (no IProbeResultSink is registered): the probe stays off.")]
    private partial void LogNoSink();

    [LoggerMessage(Level = LogLevel.Warning, Message = "A probe round failed ({Error}: {Message}); the next starts on time.")]
    private partial void LogRoundFailed(string error, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Probe of {DetectorId}/{Tunnel} failed ({Error}: {Message}).")]
    private partial void LogProbeFailed(string detectorId, string tunnel, string error, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing {Count} probe results failed ({Error}: {Message}); the next round probes again.")]
    private partial void LogSinkFailed(int count, string error, string message);
}
