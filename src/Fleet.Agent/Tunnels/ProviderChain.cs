using Fleet.Agent.Configuration;
using Fleet.Domain.Messages;

namespace Fleet.Agent.Tunnels;

/// <summary>
/// The failover chain (Agent:Providers): runs one provider at a time, a fresh instance per activation, and lets
/// <see cref="FailoverPolicy"/> decide when to move on and when to try the preferred one again. Its snapshot is the
/// active provider's, with why it is active, since when, and the ngrok account fingerprint added.
/// </summary>
internal sealed partial class ProviderChain(
    IReadOnlyList<string> kinds,
    Func<string, ITunnelProvider> create,
    FailoverSettings settings,
    string? ngrokAccount,
    TimeProvider clock,
    ILogger<ProviderChain> logger) : ITunnelProvider
{
    private readonly FailoverPolicy _policy = new(kinds.Count, settings, clock);
    private readonly RefreshTrigger _wake = new();
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(1);

    private volatile Activation? _active;

    public event Action? Changed;

    public ProviderSnapshot Current => _active is { } active
        ? Decorate(active.Provider.Current, active.Reason, active.Since)
        : Decorate(new ProviderSnapshot([], new ProviderReport { Kind = kinds[0], State = "starting" }), _policy.Reason, _policy.Since);

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var kind = kinds[_policy.Active];
            var activation = new Activation(kind, create(kind), _policy.Reason, _policy.Since);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            activation.Provider.Changed += OnProviderChanged;
            _active = activation;
            Changed?.Invoke();
            var run = activation.Provider.RunAsync(stop.Token);
            var switched = false;
            try
            {
                switched = await WatchAsync(activation, run, ct);
            }
            finally
            {
                await stop.CancelAsync();
                await StopAsync(kind, run);
                activation.Provider.Changed -= OnProviderChanged;
            }

            if (ct.IsCancellationRequested)
            {
                return;
            }

            if (!switched)
            {
                // The provider ended on its own (it should not): start it again, but never in a tight loop.
                await DelayAsync(TimeSpan.FromSeconds(1), ct);
                continue;
            }

            LogSwitched(kind, kinds[_policy.Active], _policy.Reason);
        }
    }

    private ProviderSnapshot Decorate(ProviderSnapshot snapshot, string reason, DateTimeOffset since) =>
        snapshot with { Provider = snapshot.Provider with { Reason = reason, Since = since, NgrokAccount = ngrokAccount } };

    // True when the policy picks another provider; false when the provider ended on its own, or on stop.
    private async Task<bool> WatchAsync(Activation activation, Task run, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested && !run.IsCompleted)
        {
            if (_policy.Observe(activation.Provider.Current.Provider) || _policy.Tick())
            {
                return true;
            }

            var wait = _policy.NextDue is { } due ? Clamp(due - clock.GetUtcNow()) : MaxWait;
            await Task.WhenAny(_wake.WaitAsync(wait, ct), run);
        }

        return false;
    }

    private static TimeSpan Clamp(TimeSpan wait) =>
        wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxWait ? MaxWait : wait;

    private async Task StopAsync(string kind, Task run)
    {
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
            // Stopped on request.
        }
        catch (Exception ex)
        {
            // One provider's bug must not take the chain (and the agent's publishing) down with it.
            LogProviderFailed(kind, ex);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, clock, ct);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void OnProviderChanged()
    {
        _wake.Poke();
        Changed?.Invoke();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tunnel provider {From} replaced by {To} ({Reason})")]
    private partial void LogSwitched(string from, string to, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tunnel provider {Kind} failed")]
    private partial void LogProviderFailed(string kind, Exception ex);

    private sealed record Activation(string Kind, ITunnelProvider Provider, string Reason, DateTimeOffset Since);
}
