using System.Globalization;
using System.Net.Sockets;
using System.Threading.Channels;
using Fleet.Agent.Checks;
using Fleet.Agent.Configuration;
using Fleet.Domain.Retry;

namespace Fleet.Agent.Tunnels;

/// <summary>
/// Whether the detector's port on the relay answers from the Pi: a TCP connect to relay:RemotePort goes out to the relay
/// and, through the forward, back to the local service, so it proves what a visitor will see (a forward bound only to
/// the relay's loopback, or a firewall in front of it, does not answer). Connect only, no bytes: the local service sees
/// one connection that closes at once.
/// </summary>
internal sealed class ReverseSshProbe(ReverseSshSettings settings, TimeProvider clock)
{
    private readonly CheckConnector _connector = new([]);

    public string Target { get; } = $"{settings.Relay}:{settings.RemotePort.ToString(CultureInfo.InvariantCulture)}";

    /// <returns>Null when the port answered; otherwise why not, in words.</returns>
    public async Task<string?> CheckAsync(CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(settings.ProbeTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var socket = await _connector.ConnectAsync(settings.Relay!, settings.RemotePort, linked.Token);
            return null;
        }
        catch (SocketException ex)
        {
            return ex.Message;
        }
        catch (CheckDnsException ex)
        {
            return ex.Message;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"no answer within {settings.ProbeTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
        }
    }

    /// <summary>Waits before the next check (capped, jittered backoff); true when a newer request arrived meanwhile.</summary>
    public async Task<bool> WaitAsync(int attempt, ChannelReader<int> requests, CancellationToken ct)
    {
        using var delay = new CancellationTokenSource(Backoff.Delay(attempt, settings.ProbeMinDelay, settings.ProbeMaxDelay), clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, delay.Token);
        try
        {
            return await requests.WaitToReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
