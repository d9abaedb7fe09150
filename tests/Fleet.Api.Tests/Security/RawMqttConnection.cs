using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Api.Tests.Security;

/// <summary>
/// A bare TCP connection to a broker from a chosen loopback address, for what an MQTT library will not do: stay
/// silent, or declare a packet it never sends. Speaks just enough MQTT 3.1.1 to log in and read the CONNACK.
/// </summary>
internal sealed class RawMqttConnection : IDisposable
{
    private readonly Socket _socket;

    private RawMqttConnection(Socket socket) => _socket = socket;

    public static async Task<RawMqttConnection> OpenAsync(int port, string fromAddress = "127.0.0.1", CancellationToken ct = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(fromAddress), 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
            return new RawMqttConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>True once the broker has closed the connection (end of stream or reset), waiting at most <paramref name="bound"/>.</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan bound, CancellationToken ct = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(bound);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                if (await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Sends raw bytes; false if the broker has closed the connection meanwhile.</summary>
    public async Task<bool> TrySendAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct = default)
    {
        try
        {
            while (!bytes.IsEmpty)
            {
                var sent = await _socket.SendAsync(bytes, SocketFlags.None, ct);
                bytes = bytes[sent..];
            }

            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Sends an MQTT 3.1.1 CONNECT and returns the CONNACK return code, or null when the broker closes instead.</summary>
    public async Task<int?> LoginAsync(string clientId, string username, string password, CancellationToken ct = default)
    {
        var body = new List<byte>();
        Field(body, "MQTT");
        body.Add(4); // protocol level 3.1.1
        body.Add(0b1100_0010); // user name, password, clean session
        body.AddRange([0, 60]); // keep-alive
        Field(body, clientId);
        Field(body, username);
        Field(body, password);
        if (!await TrySendAsync(Packet(0x10, body), ct))
        {
            return null;
        }

        var connack = new byte[4];
        var read = 0;
        try
        {
            while (read < connack.Length)
            {
                var n = await _socket.ReceiveAsync(connack.AsMemory(read), SocketFlags.None, ct);
                if (n == 0)
                {
                    return null;
                }

                read += n;
            }
        }
        catch (SocketException)
        {
            return null;
        }

        return connack[0] == 0x20 ? connack[3] : null;
    }

    /// <summary>A fixed header with MQTT's variable-length "remaining length" (at most 268,435,455).</summary>
    public static byte[] FixedHeader(byte type, int remainingLength)
    {
        var header = new List<byte> { type };
        do
        {
            var digit = (byte)(remainingLength % 128);
            remainingLength /= 128;
            header.Add(remainingLength > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (remainingLength > 0);
        return [.. header];
    }

    public void Dispose() => _socket.Dispose();

    private static byte[] Packet(byte type, List<byte> body) => [.. FixedHeader(type, body.Count), .. body];

    private static void Field(List<byte> body, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        body.Add((byte)(bytes.Length >> 8));
        body.Add((byte)bytes.Length);
        body.AddRange(bytes);
    }
}
