using Fleet.Agent.Checks;
using Fleet.Agent.Configuration;
using Fleet.Agent.Tests.Ngrok;
using Fleet.Domain.Messages;
using Fleet.Testing.Mosquitto;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tests.Checks;

/// <summary>
/// The stand-in ngrok with its edge stand-in (HTTPS on a loopback port, a certificate for *.ngrok-free.app from a
/// throwaway CA), one http tunnel "web" to <c>upstreamPort</c> pinned to <see cref="Url"/>, and a checker whose
/// Checks:Resolve sends that name to the edge, as an agent in a test or staging would be configured.
/// </summary>
internal sealed class EdgeStandIn : IAsyncDisposable
{
    public const string Url = "https://ab12cd34.ngrok-free.app";

    private readonly string _directory;

    private EdgeStandIn(string directory, FakeNgrokProcess ngrok, int edgePort, string caFile, int upstreamPort)
    {
        _directory = directory;
        Ngrok = ngrok;
        EdgePort = edgePort;
        CaFile = caFile;
        Tunnel = new TunnelReport { Name = "web", Url = Url, Proto = "https", Upstream = $"http://localhost:{upstreamPort}" };
        Checker = new TunnelChecker(Options.Create(new AgentOptions { Checks = Settings }), TimeProvider.System);
    }

    public FakeNgrokProcess Ngrok { get; }

    public int EdgePort { get; }

    public string CaFile { get; }

    public TunnelReport Tunnel { get; }

    public TunnelChecker Checker { get; }

    public CheckSettings Settings => new()
    {
        Resolve = [$"*.ngrok-free.app:443:127.0.0.1:{EdgePort}"],
        CaFile = CaFile,
        Timeout = TimeSpan.FromSeconds(5),
        Interval = TimeSpan.FromSeconds(5),
    };

    public static async Task<EdgeStandIn> StartAsync(int upstreamPort)
    {
        var directory = Directory.CreateTempSubdirectory("fleet-edge-").FullName;
        var ca = Path.Combine(directory, "ca.pem");
        var cert = Path.Combine(directory, "edge.pem");
        var key = Path.Combine(directory, "edge.key");
        TestCertificates.Write(ca, cert, key, "*.ngrok-free.app");
        var edgePort = FreePort.Next();
        var ngrok = await FakeNgrokProcess.StartAsync(
            $"tunnels:\n  web:\n    proto: http\n    addr: {upstreamPort}\n",
            $$$"""{"urls": {"web": "{{{Url}}}"}}""",
            new Dictionary<string, string>
            {
                ["FAKE_NGROK_EDGE"] = $"127.0.0.1:{edgePort}",
                ["FAKE_NGROK_EDGE_CERT"] = cert,
                ["FAKE_NGROK_EDGE_KEY"] = key,
            });
        await FreePort.WaitUntilListeningAsync(edgePort, TimeSpan.FromSeconds(30), () => ngrok.HasExited);
        return new EdgeStandIn(directory, ngrok, edgePort, ca, upstreamPort);
    }

    public Task<TunnelCheck?> CheckAsync(CancellationToken ct) => Checker.CheckAsync(Tunnel, ct);

    public async ValueTask DisposeAsync()
    {
        Checker.Dispose();
        await Ngrok.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
