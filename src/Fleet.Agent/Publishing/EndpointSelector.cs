using System.Net.Sockets;
using Fleet.Agent.Configuration;
using Fleet.Domain.Broker;
using Fleet.Domain.Retry;

namespace Fleet.Agent.Publishing;

/// <summary>
/// Which endpoint the link uses: the one that worked last (first tried on the next connection), the next one in the
/// list when it cannot be reached, and, while on a later one, the first (preferred) one again after
/// <see cref="MqttSettings.PreferredEndpointRetry"/>, doubled with jitter up to an hour each time it still fails.
/// </summary>
internal sealed class EndpointSelector(IReadOnlyList<MqttEndpoint> endpoints, TimeSpan preferredRetry, TimeProvider clock)
{
    private static readonly TimeSpan MaxPreferredRetry = TimeSpan.FromHours(1);
    private int _current;
    private int _returns;
    private DateTimeOffset _returnAt = DateTimeOffset.MaxValue;

    public int Count => endpoints.Count;

    public MqttEndpoint Current => endpoints[_current];

    public MqttEndpoint Preferred => endpoints[0];

    /// <summary>Connected through a later endpoint and the wait before trying the preferred one again is over.</summary>
    public bool PreferredDue => _current != 0 && clock.GetUtcNow() >= _returnAt;

    /// <summary>The current endpoint could not be reached: the next one (after the last, the first).</summary>
    public MqttEndpoint Advance()
    {
        _current = (_current + 1) % endpoints.Count;
        return Current;
    }

    /// <summary>A connection was made through <see cref="Current"/>.</summary>
    public void Connected()
    {
        if (_current == 0)
        {
            _returns = 0;
            _returnAt = DateTimeOffset.MaxValue;
        }
        else
        {
            var min = preferredRetry < MaxPreferredRetry ? preferredRetry : MaxPreferredRetry;
            _returnAt = clock.GetUtcNow() + Backoff.Delay(_returns + 1, min, MaxPreferredRetry);
        }
    }

    /// <summary>Goes back to the preferred endpoint; if it fails again, the next wait is longer.</summary>
    public MqttEndpoint ReturnToPreferred()
    {
        _returns++;
        _current = 0;
        return Current;
    }

    /// <summary>
    /// Whether a TCP connection to the preferred endpoint opens, before a working connection is given up for it; if not,
    /// the next try waits longer. Through a proxy (WebSocket endpoints) the proxy decides, so that is tried for real.
    /// </summary>
    public async Task<bool> PreferredReachableAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (Preferred.IsWebSocket)
        {
            return true;
        }

        try
        {
            await ConnectTcpAsync(Preferred, timeout, ct);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException && !ct.IsCancellationRequested)
        {
            _returns++;
            Connected();
            return false;
        }
    }

    /// <summary>Opens and closes a TCP connection to <paramref name="endpoint"/>; a <see cref="TimeoutException"/> when nothing answers in time.</summary>
    public static async Task ConnectTcpAsync(MqttEndpoint endpoint, TimeSpan timeout, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(timeout);
        using var socket = new TcpClient();
        try
        {
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, bounded.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer from {endpoint.Host}:{endpoint.Port} within {timeout}");
        }
    }
}
