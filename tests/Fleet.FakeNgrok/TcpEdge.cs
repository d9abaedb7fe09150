using System.Net;
using System.Net.Sockets;

namespace Fleet.FakeNgrok;

/// <summary>
/// The edge stand-in for tcp tunnels (FAKE_NGROK_EDGE_TCP=1): a listener on 127.0.0.1 at the port of each tcp
/// tunnel's URL that pipes bytes to the tunnel's upstream. An offline endpoint (control `offline`, or the session
/// dropped) has no listener, so connections are refused; an upstream that refuses gets the client's connection closed.
/// </summary>
internal sealed class TcpEdge(FakeAgentState state) : IAsyncDisposable
{
    public const string Variable = "FAKE_NGROK_EDGE_TCP";

    private static readonly TimeSpan SyncInterval = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<int, (TcpListener Listener, Task Accepting)> _listeners = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _sync;

    public static TcpEdge? Create(FakeAgentState state) =>
        Environment.GetEnvironmentVariable(Variable) == "1" ? new TcpEdge(state) : null;

    public void Start() => _sync = SyncAsync(_stop.Token);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_sync is not null)
        {
            await _sync;
        }

        foreach ((TcpListener listener, Task accepting) in _listeners.Values)
        {
            listener.Stop();
            await accepting;
        }

        _stop.Dispose();
    }

    private async Task SyncAsync(CancellationToken ct)
    {
        using PeriodicTimer timer = new(SyncInterval);
        do
        {
            Dictionary<int, string> wanted = state.SessionOnline
                ? state.Tunnels.Snapshot()
                    .Where(t => t.Spec.Proto == "tcp" && !state.Offline.Contains(t.Name) && Uri.TryCreate(t.Url, UriKind.Absolute, out Uri? u) && u.Port > 0)
                    .ToDictionary(t => new Uri(t.Url).Port, t => t.Spec.Addr)
                : [];
            foreach (int port in _listeners.Keys.Where(p => !wanted.ContainsKey(p)).ToList())
            {
                _listeners[port].Listener.Stop();
                await _listeners[port].Accepting;
                _listeners.Remove(port);
            }

            foreach ((int port, string upstream) in wanted.Where(w => !_listeners.ContainsKey(w.Key)))
            {
                TcpListener listener = new(IPAddress.Loopback, port);
                try
                {
                    listener.Start();
                }
                catch (SocketException)
                {
                    continue;
                }

                _listeners[port] = (listener, AcceptAsync(listener, upstream, ct));
            }
        }
        while (await Wait(timer, ct));
    }

    private static async Task<bool> Wait(PeriodicTimer timer, CancellationToken ct)
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

    private static async Task AcceptAsync(TcpListener listener, string upstream, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                TcpClient client = await listener.AcceptTcpClientAsync(ct);
                _ = PipeAsync(client, upstream, ct);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Stopped: the endpoint went offline or the fake stops.
        }
    }

    private static async Task PipeAsync(TcpClient client, string upstream, CancellationToken ct)
    {
        using (client)
        {
            int colon = upstream.LastIndexOf(':');
            using TcpClient target = new();
            try
            {
                await target.ConnectAsync(upstream[..colon], int.Parse(upstream[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), ct);
                using CancellationTokenSource done = CancellationTokenSource.CreateLinkedTokenSource(ct);
                await Task.WhenAny(
                    client.GetStream().CopyToAsync(target.GetStream(), done.Token),
                    target.GetStream().CopyToAsync(client.GetStream(), done.Token));
                await done.CancelAsync();
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or FormatException)
            {
                // The upstream refused or a side closed: the client's connection closes.
            }
        }
    }
}
