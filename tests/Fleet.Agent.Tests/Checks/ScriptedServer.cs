using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Agent.Tests.Checks;

/// <summary>
/// A raw TCP server on loopback that answers every connection with a script: exact bytes, so hostile answers (an
/// endless body, a slow drip, huge headers) are possible. It counts connections, the bytes it managed to send and the
/// request heads it read.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<Func<byte[], Task>, CancellationToken, Task> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _requests = [];
    private readonly Task _accepting;
    private long _sent;
    private int _connections;
    private int _hangUps;
    private int _disposed;

    private ScriptedServer(Func<Func<byte[], Task>, CancellationToken, Task> script)
    {
        _script = script;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public long BytesSent => Interlocked.Read(ref _sent);

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Connections whose script ended because the client closed the connection under it.</summary>
    public int HangUps => Volatile.Read(ref _hangUps);

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Reads the request head, then writes <paramref name="response"/> and closes.</summary>
    public static ScriptedServer Answering(string response) => new((write, _) => write(Encoding.Latin1.GetBytes(response)));

    /// <summary>Reads the request head, then runs <paramref name="script"/> with a writer that counts what it sent.</summary>
    public static ScriptedServer Custom(Func<Func<byte[], Task>, CancellationToken, Task> script) => new(script);

    /// <summary>Accepts connections and never answers.</summary>
    public static ScriptedServer Silent() => new(async (_, ct) => await Task.Delay(Timeout.Infinite, ct));

    /// <summary>Stops listening and closes every connection; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var handlers = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                handlers.Add(HandleAsync(client));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        await Task.WhenAll(handlers);
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream, _stop.Token);
                lock (_requests)
                {
                    _requests.Add(head);
                }

                await _script(
                    async bytes =>
                    {
                        await stream.WriteAsync(bytes, _stop.Token);
                        Interlocked.Add(ref _sent, bytes.Length);
                    },
                    _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                // The client went away: the point of the hostile scripts.
                Interlocked.Increment(ref _hangUps);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                // The server stops.
            }
        }
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (head.Length < 65536 && await stream.ReadAsync(buffer, ct) == 1)
        {
            head.Append((char)buffer[0]);
            if (head.Length >= 4 && head.ToString(head.Length - 4, 4) == "\r\n\r\n")
            {
                break;
            }
        }

        return head.ToString();
    }
}
