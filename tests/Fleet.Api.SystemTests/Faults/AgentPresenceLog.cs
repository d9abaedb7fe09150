using System.Collections.Concurrent;
using System.Diagnostics;
using Fleet.Domain.Messages;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>Polls one detector's status every 100 ms and keeps every change, to catch a flicker a single GET would miss.</summary>
internal sealed class AgentPresenceLog : IAsyncDisposable
{
    private readonly ConcurrentQueue<(TimeSpan At, Presence Status, long? Epoch)> _changes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public AgentPresenceLog(AgentFaultDeployment stack, string id) => _loop = Task.Run(() => LoopAsync(stack, id));

    public IReadOnlyList<(TimeSpan At, Presence Status, long? Epoch)> Changes => [.. _changes];

    public override string ToString() =>
        string.Join(" -> ", _changes.Select(c => $"{c.Status}/e{c.Epoch}@{c.At.TotalSeconds:0.0}s"));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync(AgentFaultDeployment stack, string id)
    {
        var clock = Stopwatch.StartNew();
        (Presence, long?)? last = null;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (await stack.GetAsync(id) is { } view && last != (view.Status, view.Epoch))
                {
                    last = (view.Status, view.Epoch);
                    _changes.Enqueue((clock.Elapsed, view.Status, view.Epoch));
                }

                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // The next poll tries again.
            }
        }
    }
}
