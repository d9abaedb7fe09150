using System.Threading.Channels;
using Fleet.Agent.Configuration;
using Fleet.Agent.Tunnels;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Checks;

/// <summary>
/// Checks every tunnel on Checks:Interval (jittered ±10 % so a fleet started together does not check together), and a
/// tunnel whose URL is new at once. Results go to the <see cref="CheckStore"/>, which tells the publisher of changes.
/// </summary>
internal sealed partial class CheckRunner(
    IOptions<AgentOptions> options,
    ITunnelProvider provider,
    TunnelChecker checker,
    CheckStore store,
    TimeProvider clock,
    ILogger<CheckRunner> logger) : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private CheckSettings Settings => options.Value.Checks;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Settings.Enabled)
        {
            LogDisabled();
            return;
        }

        provider.Changed += Wake;
        try
        {
            var nextRound = clock.GetUtcNow();
            while (!stoppingToken.IsCancellationRequested)
            {
                var tunnels = provider.Current.Tunnels;
                store.Retain(tunnels);
                var round = clock.GetUtcNow() >= nextRound;
                var due = round ? tunnels : [.. tunnels.Where(t => store.Find(t) is null)];
                await Task.WhenAll(due.Select(t => CheckAsync(t, stoppingToken)));
                if (round)
                {
                    nextRound = clock.GetUtcNow() + Jittered(Settings.Interval);
                }

                await WaitAsync(nextRound - clock.GetUtcNow(), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            provider.Changed -= Wake;
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task CheckAsync(TunnelReport tunnel, CancellationToken ct)
    {
        try
        {
            if (await checker.CheckAsync(tunnel, ct) is not { } check)
            {
                LogUncheckable(tunnel.Name, tunnel.Url);
                return;
            }

            if (store.Record(tunnel, check))
            {
                LogOutcome(tunnel.Name, tunnel.Url, check.Outcome, check.Code ?? "-", check.HttpStatus);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // One broken check must not end the checking of the others.
            LogCheckFailed(tunnel.Name, ex.Message);
        }
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var timer = Task.Delay(delay, clock, wait.Token);
        var woken = _wake.Reader.WaitToReadAsync(wait.Token).AsTask();
        await Task.WhenAny(timer, woken);
        await wait.CancelAsync();
        _wake.Reader.TryRead(out _);
        ct.ThrowIfCancellationRequested();
    }

    private static TimeSpan Jittered(TimeSpan interval) => interval * (0.9 + (0.2 * Random.Shared.NextDouble()));

    [LoggerMessage(Level = LogLevel.Information, Message = "Tunnel {Name} ({Url}) checked: {Outcome}, code {Code}, HTTP {HttpStatus}")]
    private partial void LogOutcome(string name, string url, string outcome, string code, int? httpStatus);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tunnel {Name}: its URL {Url} cannot be checked (not an absolute URL with a port)")]
    private partial void LogUncheckable(string name, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking tunnel {Name} failed: {Message}")]
    private partial void LogCheckFailed(string name, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reachability checks are off (Agent:Checks:Enabled is false)")]
    private partial void LogDisabled();
}
