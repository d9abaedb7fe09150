using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Api.Tests.Probe;

/// <summary>
/// A raw TCP endpoint on a loopback address that counts the connections it accepts, keeps the request heads it read,
/// and answers each connection with a scenario (a well-formed page, an ngrok edge page, or something hostile).
/// Every write loop in a scenario is bounded.
/// </summary>
internal sealed class LoopbackEndpoint : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<NetworkStream, string, CancellationToken, Task> _answer;
    private readonly Task _accepting;
    private int _accepted;
    private long _written;

    private LoopbackEndpoint(IPAddress address, int port, Func<NetworkStream, string, CancellationToken, Task> answer, bool readRequest)
    {
        _answer = answer;
        _listener = new TcpListener(address, port);
        _listener.Start();
        ReadsRequest = readRequest;
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Bytes the scenarios wrote to the socket (the kernel may have buffered them; the prober did not necessarily read them).</summary>
    public long Written => Interlocked.Read(ref _written);

    public ConcurrentQueue<string> Requests { get; } = new();

    private bool ReadsRequest { get; }

    /// <summary>Reads the request head, then runs <paramref name="answer"/> (stream, request head, stop token).</summary>
    public static LoopbackEndpoint Http(Func<NetworkStream, string, CancellationToken, Task> answer, IPAddress? address = null, int port = 0) =>
        new(address ?? IPAddress.Loopback, port, answer, readRequest: true);

    /// <summary>A fixed HTTP answer: status line, extra header lines and body, then close.</summary>
    public static LoopbackEndpoint Answer(int status, string body, string headers = "", IPAddress? address = null, int port = 0) =>
        Http((stream, _, ct) => Write(stream, $"HTTP/1.1 {status} X\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n{headers}\r\n{body}", ct), address, port);

    /// <summary>Runs <paramref name="answer"/> at once, without reading the request (e.g. plain text to a TLS ClientHello).</summary>
    public static LoopbackEndpoint Raw(Func<NetworkStream, string, CancellationToken, Task> answer) =>
        new(IPAddress.Loopback, 0, answer, readRequest: false);

    /// <summary>Accepts and never writes nor reads (a TLS ClientHello left unanswered, a TCP service that stalls).</summary>
    public static LoopbackEndpoint Silent(IPAddress? address = null) =>
        new(address ?? IPAddress.Loopback, 0, async (_, _, ct) => await Task.Delay(Timeout.Infinite, ct), readRequest: false);

    public static Task Write(NetworkStream stream, string text, CancellationToken ct) => stream.WriteAsync(Encoding.ASCII.GetBytes(text), ct).AsTask();

    /// <summary>Counts bytes a scenario wrote (call after each write).</summary>
    public void Count(int bytes) => Interlocked.Add(ref _written, bytes);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _accepted);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = ReadsRequest ? await ReadHeadAsync(stream, _stop.Token) : string.Empty;
                Requests.Enqueue(head);
                await _answer(stream, head, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The prober hung up (that is what a bounded prober does to a hostile endpoint).
            }
        }
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(total), ct);
            if (n == 0)
            {
                break;
            }

            total += n;
            if (Encoding.ASCII.GetString(buffer, 0, total).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                break;
            }
        }

        return Encoding.ASCII.GetString(buffer, 0, total);
    }
}
