using System.Threading.Channels;

namespace Fleet.Agent.Tunnels;

/// <summary>
/// Wakes a provider's read loop early: a process state change or a telling log line pokes it, otherwise it reads again
/// after its poll interval. Pokes while one is pending collapse into one.
/// </summary>
internal sealed class RefreshTrigger
{
    private readonly Channel<bool> _pokes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Poke() => _pokes.Writer.TryWrite(true);

    /// <summary>Waits for a poke or <paramref name="interval"/>, whichever comes first; false once <paramref name="ct"/> stops the loop.</summary>
    public async Task<bool> WaitAsync(TimeSpan interval, CancellationToken ct)
    {
        using var delay = CancellationTokenSource.CreateLinkedTokenSource(ct);
        delay.CancelAfter(interval);
        try
        {
            await _pokes.Reader.WaitToReadAsync(delay.Token);
            _pokes.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The poll interval passed without a poke.
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return true;
    }
}
