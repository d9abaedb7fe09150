using System.Diagnostics;
using System.Text;
using Fleet.Testing.Processes;

namespace Fleet.Testing.Network;

/// <summary>
/// tcpdump from Debian capturing loopback traffic to some ports into a pcap file, whole packets, written as they
/// arrive; <see cref="StopAsync"/> ends it (SIGINT, so it flushes) and returns the file's bytes: what anyone on the
/// path would have seen. Needs root or CAP_NET_RAW, as CI runs.
/// </summary>
public sealed class PacketCapture : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly string _directory;
    private readonly string _file;
    private readonly int[] _ports;

    private PacketCapture(Process process, StringBuilder output, string directory, string file, int[] ports)
    {
        _ports = ports;
        _process = process;
        _output = output;
        _directory = directory;
        _file = file;
    }

    public static async Task<PacketCapture> StartAsync(IEnumerable<int> ports, CancellationToken ct)
    {
        var tcpdump = ServerProcess.FindTool("tcpdump", "tcpdump");
        var directory = Directory.CreateTempSubdirectory("fleet-capture-").FullName;
        var file = Path.Combine(directory, "capture.pcap");
        var portList = ports.ToArray();
        var filter = string.Join(" or ", portList.Select(p => $"tcp port {p}"));
        // --immediate-mode: each packet handed over as it arrives (otherwise the kernel's ring buffer holds them up to a
        // block timeout, and a SIGINT before it drops them); -U: each packet written at once; -s 0: whole packets;
        // -Z root: Debian's tcpdump otherwise drops to its own user, which may not write the temp directory.
        var start = new ProcessStartInfo(tcpdump) { ArgumentList = { "-i", "lo", "-n", "--immediate-mode", "-U", "-s", "0", "-Z", "root", "-w", file, filter } };
        var output = new StringBuilder();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = ChildProcess.StartWithOutput(start, line =>
        {
            lock (output)
            {
                output.AppendLine(line);
            }

            if (line.Contains("listening on", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        });
        await File.WriteAllTextAsync(Path.Combine(directory, "server.pid"), process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        // tcpdump's command line names the file in this directory, so the guard kills only this capture.
        await OrphanGuard.WatchPidFileAsync(directory, "server.pid");
        var capture = new PacketCapture(process, output, directory, file, portList);
        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }
        catch (TimeoutException)
        {
            await capture.DisposeAsync();
            throw new InvalidOperationException($"tcpdump did not start capturing: {capture.Output}");
        }

        return capture;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Stops the capture once it holds at least <paramref name="packetsPerPort"/> packets on each captured port
    /// (tcpdump's own count, read back from the file) and returns every captured byte, pcap headers included. Per port:
    /// a SIGINT stops tcpdump at once, dropping what the kernel handed over but tcpdump had not written yet, so a total
    /// reached by one session alone could end the capture before the other session's packets are in the file.
    /// </summary>
    public async Task<byte[]> StopAsync(int packetsPerPort, CancellationToken ct)
    {
        foreach (var port in _ports)
        {
            await Eventually.TrueAsync(
                async () => await CountAsync(port, ct) >= packetsPerPort, $"tcpdump wrote {packetsPerPort} packets of port {port}");
        }

        if (!_process.HasExited)
        {
            await ChildProcess.SignalAsync(_process.Id, "INT", ct);
            await _process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
        }

        return await File.ReadAllBytesAsync(_file, ct);
    }

    private async Task<int> CountAsync(int port, CancellationToken ct)
    {
        var tcpdump = ServerProcess.FindTool("tcpdump", "tcpdump");
        var (_, output, _) = await ChildProcess.RunAsync(
            tcpdump, ["-r", _file, "-n", "-q", $"tcp port {port}"], TimeSpan.FromSeconds(10), ct: ct);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    public async ValueTask DisposeAsync()
    {
        ChildProcess.KillQuietly(_process);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
