using System.Net;
using System.Net.Sockets;

namespace Fleet.Testing.Network;

/// <summary>Free TCP ports on the loopback interface.</summary>
public static class FreePort
{
    /// <summary>
    /// A port that was free a moment ago. Another process can still take it before the caller binds,
    /// so servers started on it retry with a new port when the bind fails.
    /// </summary>
    public static int Next()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls a TCP connect until something accepts on the port or the timeout passes.</summary>
    public static async Task<bool> WaitUntilListeningAsync(int port, TimeSpan timeout, Func<bool>? giveUp = null, CancellationToken ct = default)
    {
        using CancellationTokenSource deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        while (!deadline.IsCancellationRequested)
        {
            if (giveUp?.Invoke() == true)
            {
                return false;
            }

            using TcpClient probe = new();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(25), CancellationToken.None);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return false;
            }
        }

        ct.ThrowIfCancellationRequested();
        return false;
    }
}
