using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fleet.Api.SystemTests.Security;

/// <summary>
/// Issue 11, finding 2, as it was found: idle TCP connections to the embedded broker used up the process's file
/// descriptors and HTTP stopped answering, even /health/live. The API runs as a real process whose descriptor limit
/// is lowered to 1024 (prlimit), and more idle connections than that are opened from loopback.
/// </summary>
public sealed class EmbeddedBrokerFloodTests
{
    private const int DescriptorLimit = 1024;
    private const int Connections = 1100;

    [Fact]
    public async Task HealthLive_WhileIdleConnectionsExceedTheDescriptorLimit_StillAnswers()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = timeout.Token;
        await using var api = await ApiProcess.StartDevelopmentAsync(
            "--Mqtt:Embedded:MaxConnections=200",
            "--Mqtt:Embedded:MaxConnectionsPerAddress=100000",
            "--Mqtt:Embedded:ConnectTimeout=00:05:00");
        await LowerDescriptorLimitAsync(api.ProcessId!.Value, ct);

        var connections = new List<Socket>();
        try
        {
            // Bounded in count; stops at the first connection the kernel cannot complete (the broker stopped accepting).
            while (connections.Count < Connections && await TryConnectAsync(api.MqttPort, connections, ct))
            {
            }

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{api.HttpPort}"), Timeout = TimeSpan.FromSeconds(15) };
            using var live = await http.GetAsync("/health/live", ct);

            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal(Connections, connections.Count);
        }
        finally
        {
            connections.ForEach(s => s.Dispose());
        }
    }

    private static async Task<bool> TryConnectAsync(int port, List<Socket> connections, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), attempt.Token);
            connections.Add(socket);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            socket.Dispose();
            return false;
        }
    }

    private static async Task LowerDescriptorLimitAsync(int pid, CancellationToken ct)
    {
        var start = new ProcessStartInfo("prlimit") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add($"--pid={pid}");
        start.ArgumentList.Add($"--nofile={DescriptorLimit}:{DescriptorLimit}");
        using var prlimit = Process.Start(start) ?? throw new InvalidOperationException("prlimit did not start");
        var error = await prlimit.StandardError.ReadToEndAsync(ct);
        await prlimit.WaitForExitAsync(ct);
        Assert.True(prlimit.ExitCode == 0, $"prlimit failed: {error}");
    }
}
