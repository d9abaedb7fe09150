using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Api.SystemTests.Reachability;

/// <summary>
/// A service on the Pi's loopback that the test starts and stops on a fixed port: an HTTP page (every request answered
/// 200 and closed) or a bare TCP service (accepts, then closes, as the TCP checks only connect).
/// </summary>
internal sealed class LoopbackService : IAsyncDisposable
{
    private static readonly byte[] Page = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");

    private readonly TcpListener _listener;
    private readonly bool _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _disposed;

    private LoopbackService(int port, bool http)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        // Restarted on the same port while the previous connections sit in TIME_WAIT.
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _http = http;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static LoopbackService Http(int port) => new(port, http: true);

    public static LoopbackService Tcp(int port) => new(port, http: false);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                if (_http)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    timeout.CancelAfter(TimeSpan.FromSeconds(10));
                    var stream = client.GetStream();
                    await ReadHeadAsync(stream, timeout.Token);
                    await stream.WriteAsync(Page, timeout.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The client went away or the service is stopping: nothing to answer.
            }
        }
    }

    private static async Task ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[4096];
        var head = new StringBuilder();
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && head.Length < 64 * 1024)
        {
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0)
            {
                return;
            }

            head.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }
    }
}
