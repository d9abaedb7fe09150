using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Fleet.Testing.Network;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a real server (PostgreSQL, mosquitto) that a test can break in the ways a
/// mobile link breaks (<see cref="TcpFault"/>): <see cref="Block"/> resets every open connection and every new one
/// (the server or the network went away, and said so); <see cref="Blackhole"/> lets nothing through and says
/// nothing (a dead 4G cell: the peers find out only from their keep-alives); <see cref="Delay"/> adds latency;
/// <see cref="Drip"/> lets bytes trickle. <see cref="Unblock"/> heals any of them.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private readonly string targetHost;
    private readonly int targetPort;
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<long, (Socket Client, Socket? Server)> connections = new();
    private readonly ConcurrentDictionary<long, Task> relays = new();
    private readonly Task acceptLoop;
    private long nextId;
    private volatile bool blocked;
    private volatile TcpFault fault;
    private TimeSpan latency;
    private int dripBytes = 1;
    private TimeSpan dripInterval = TimeSpan.FromMilliseconds(50);
    private int disposed;

    private TcpFaultProxy(string targetHost, int targetPort)
    {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        // On the thread pool: the constructor may run under a test framework's synchronization context.
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public string Host { get; } = "127.0.0.1";

    public int Port { get; }

    public bool IsBlocked => blocked;

    /// <summary>The fault now applied to every connection.</summary>
    public TcpFault Fault => fault;

    /// <summary>Connections accepted and still open; lets a test wait until a client reconnected.</summary>
    public int OpenConnections => connections.Count;

    public static TcpFaultProxy Start(string targetHost, int targetPort) => new(targetHost, targetPort);

    /// <summary>Resets every open connection and refuses new ones (accept + reset) until <see cref="Unblock"/>.</summary>
    public void Block()
    {
        fault = TcpFault.Reset;

        // Set before the sweep: a relay registering concurrently checks the flag after registering,
        // so every connection is reset by one side or the other.
        blocked = true;
        foreach (long id in connections.Keys)
        {
            Reset(id);
        }
    }

    /// <summary>
    /// Nothing passes in either direction and nobody is told: open connections stay open with their bytes held back
    /// (as TCP keeps retransmitting into a dead cell), new connections are accepted but never reach the server.
    /// After <see cref="Unblock"/> held bytes flow on; a peer that gave up meanwhile finds its connection gone.
    /// </summary>
    public void Blackhole()
    {
        blocked = false;
        fault = TcpFault.Blackhole;
    }

    /// <summary>Every chunk waits <paramref name="by"/> before it is passed on, in both directions.</summary>
    public void Delay(TimeSpan by)
    {
        latency = by;
        blocked = false;
        fault = TcpFault.Delay;
    }

    /// <summary>Bytes trickle: <paramref name="bytes"/> at a time, one slice every <paramref name="every"/>.</summary>
    public void Drip(int bytes, TimeSpan every)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 1);
        (dripBytes, dripInterval) = (bytes, every);
        blocked = false;
        fault = TcpFault.Drip;
    }

    /// <summary>Heals every fault: new connections are relayed again, held bytes flow on at full speed.</summary>
    public void Unblock()
    {
        blocked = false;
        fault = TcpFault.None;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        listener.Stop();
        foreach (long id in connections.Keys)
        {
            Reset(id);
        }

        try
        {
            await Task.WhenAll(relays.Values.Append(acceptLoop)).WaitAsync(DisposeTimeout);
        }
        catch (TimeoutException)
        {
            await Console.Error.WriteLineAsync($"[Fleet tests] TcpFaultProxy :{Port} relays did not finish within {DisposeTimeout.TotalSeconds:0} s");
        }

        stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                if (stopping.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            if (blocked)
            {
                Abort(client);
                continue;
            }

            long id = Interlocked.Increment(ref nextId);
            connections[id] = (client, null);
            relays[id] = RelayAsync(id, client);
        }
    }

    private async Task RelayAsync(long id, Socket client)
    {
        // Yield so the accept loop registers this relay before it can finish and remove itself.
        await Task.Yield();
        Socket server = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            connections[id] = (client, server);
            if (blocked || stopping.IsCancellationRequested)
            {
                return;
            }

            // A blackholed SYN is never answered: the client waits, and gives up by its own timeout.
            while (fault == TcpFault.Blackhole && !stopping.IsCancellationRequested && connections.ContainsKey(id))
            {
                await Task.Delay(PollInterval, stopping.Token);
            }

            if (blocked || !connections.ContainsKey(id))
            {
                return;
            }

            using (CancellationTokenSource connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token))
            {
                connectTimeout.CancelAfter(ConnectTimeout);
                await server.ConnectAsync(targetHost, targetPort, connectTimeout.Token);
            }

            // When either direction ends, the finally below tears down both sockets.
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The target is down, the test blocked us, or the proxy is stopping: close both sides.
        }
        finally
        {
            Reset(id);
            relays.TryRemove(id, out _);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, stopping.Token)) > 0)
            {
                await ForwardAsync(buffer.AsMemory(0, read), to);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The other pump, Block() or DisposeAsync() closed a socket under us; that ends the relay.
        }
    }

    private async Task ForwardAsync(ReadOnlyMemory<byte> chunk, Socket to)
    {
        while (fault == TcpFault.Blackhole)
        {
            await Task.Delay(PollInterval, stopping.Token);
        }

        switch (fault)
        {
            case TcpFault.Delay:
                await Task.Delay(latency, stopping.Token);
                break;
            case TcpFault.Drip:
                while (chunk.Length > 0 && fault == TcpFault.Drip)
                {
                    ReadOnlyMemory<byte> slice = chunk[..Math.Min(dripBytes, chunk.Length)];
                    await to.SendAsync(slice, SocketFlags.None, stopping.Token);
                    chunk = chunk[slice.Length..];
                    await Task.Delay(dripInterval, stopping.Token);
                }

                break;
        }

        if (chunk.Length > 0)
        {
            await to.SendAsync(chunk, SocketFlags.None, stopping.Token);
        }
    }

    private void Reset(long id)
    {
        if (connections.TryRemove(id, out (Socket Client, Socket? Server) pair))
        {
            Abort(pair.Client);
            if (pair.Server is not null)
            {
                Abort(pair.Server);
            }
        }
    }

    private static void Abort(Socket socket)
    {
        try
        {
            // Linger 0 makes Close send RST: the peer gets "connection reset", not an orderly end.
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed; disposing below is still right.
        }

        socket.Dispose();
    }
}

/// <summary>What <see cref="TcpFaultProxy"/> does to the bytes between a client and its server.</summary>
public enum TcpFault
{
    /// <summary>Relays everything at once.</summary>
    None,

    /// <summary>Resets every connection, open and new (RST): the peers learn at once.</summary>
    Reset,

    /// <summary>Holds every byte and answers nothing: the peers learn only from their own timeouts.</summary>
    Blackhole,

    /// <summary>Adds a fixed latency to every chunk.</summary>
    Delay,

    /// <summary>Passes a few bytes at a time.</summary>
    Drip,
}
