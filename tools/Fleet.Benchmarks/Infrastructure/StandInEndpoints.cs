using System.Net;
using System.Net.Sockets;

namespace Fleet.Benchmarks.Infrastructure;

/// <summary>
/// The probe benchmark's stand-in tunnel endpoints: one listening socket per detector, each on its own loopback address
/// (127.1.x.y) and one shared port, so every detector is a distinct host for the prober's per-host limit and can be
/// taken down alone: its listener is closed and connections are refused, as at a fixed address or a forward that is
/// gone. A connection gets a small fixed HTTP answer once its request's headers are in; a tcp probe only connects.
/// </summary>
internal sealed class StandInEndpoints : IAsyncDisposable
{
    private const int MaxEndpoints = 65536;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private static readonly byte[] Answer = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray();

    private readonly Socket?[] _listeners;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _loops;
    private long _served;

    private StandInEndpoints(Socket[] listeners, int port)
    {
        _listeners = listeners;
        Port = port;
        _loops = [.. listeners.Select(l => AcceptLoopAsync(l, _stop.Token))];
    }

    public int Port { get; }

    public int Count => _listeners.Length;

    /// <summary>Connections answered so far (http requests and tcp connects that sent nothing).</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>The loopback address of endpoint <paramref name="index"/>: 127.1.x.y, one per detector.</summary>
    public static IPAddress AddressOf(int index) => new([127, 1, (byte)(index / 256), (byte)(index % 256)]);

    /// <summary>Binds <paramref name="count"/> listeners on one port below the ephemeral range, free on every address.</summary>
    public static StandInEndpoints Start(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxEndpoints);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            var listeners = new List<Socket>(count);
            try
            {
                for (var i = 0; i < count; i++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    listeners.Add(socket);
                    socket.Bind(new IPEndPoint(AddressOf(i), port));
                    socket.Listen(64);
                }

                return new StandInEndpoints([.. listeners], port);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                listeners.ForEach(l => l.Dispose());
            }
        }

        throw new InvalidOperationException($"no port below the ephemeral range was free on all {count} stand-in addresses");
    }

    /// <summary>Closes the listener of endpoint <paramref name="index"/>: from now on connections to it are refused.</summary>
    public void TakeDown(int index) => Interlocked.Exchange(ref _listeners[index], null)?.Dispose();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        for (var i = 0; i < _listeners.Length; i++)
        {
            TakeDown(i);
        }

        await Task.WhenAll(_loops);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken ct)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(ct);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return; // taken down or stopping
            }

            _ = ServeAsync(client, ct);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken ct)
    {
        using (client)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(RequestTimeout);
                var buffer = new byte[4096];
                var total = 0;
                while (total < buffer.Length)
                {
                    var n = await client.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, timeout.Token);
                    if (n == 0)
                    {
                        Interlocked.Increment(ref _served); // a tcp probe: connected, sent nothing, closed
                        return;
                    }

                    total += n;
                    if (buffer.AsSpan(0, total).IndexOf("\r\n\r\n"u8) >= 0)
                    {
                        break;
                    }
                }

                await client.SendAsync(Answer, SocketFlags.None, timeout.Token);
                client.Shutdown(SocketShutdown.Both);
                Interlocked.Increment(ref _served);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The prober gave up or the run is stopping: nothing to answer.
            }
        }
    }
}
