using System.Net;
using System.Net.Sockets;

namespace Fleet.Testing.Network;

/// <summary>
/// A TCP echo service on a loopback port (the "Pi's" local service behind a tunnel): every connection gets back what
/// it sends until it closes. Stops accepting on dispose.
/// </summary>
public sealed class TcpEcho : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;

    public TcpEcho()
    {
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/>, sends a line and returns what came back (empty if the connection closed).</summary>
    public static async Task<string> RoundTripAsync(string host, int port, string text, CancellationToken ct)
    {
        using TcpClient client = new();
        await client.ConnectAsync(host, port, ct);
        var stream = client.GetStream();
        var sent = System.Text.Encoding.UTF8.GetBytes(text);
        await stream.WriteAsync(sent, ct);
        var buffer = new byte[sent.Length];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stop.Token);
            _ = EchoAsync(client);
        }
    }

    private async Task EchoAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new byte[4096];
                int n;
                while ((n = await stream.ReadAsync(buffer, stop.Token)) > 0)
                {
                    await stream.WriteAsync(buffer.AsMemory(0, n), stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The peer went away or the service stops.
            }
        }
    }
}
