using Fleet.Agent.Checks;
using Fleet.Agent.Configuration;
using Fleet.Agent.Tests.Ngrok;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tests.Checks;

/// <summary>tcp tunnels: a TCP connect through the stand-in's tcp edge, and to the service behind it.</summary>
public sealed class TcpEdgeTests : IDisposable
{
    private readonly CancellationTokenSource _bound = new(TimeSpan.FromSeconds(120));

    private CancellationToken Ct => _bound.Token;

    public void Dispose() => _bound.Dispose();

    [Fact]
    public async Task TcpTunnel_OkThenEndpointOfflineThenServiceStopped()
    {
        var service = ScriptedServer.Silent();
        var edgePort = FreePort.Next();
        var url = $"tcp://0.tcp.eu.ngrok.io:{edgePort}";
        await using var ngrok = await FakeNgrokProcess.StartAsync(
            $"tunnels:\n  ssh:\n    proto: tcp\n    addr: {service.Port}\n",
            $$$"""{"urls": {"ssh": "{{{url}}}"}}""",
            new Dictionary<string, string> { ["FAKE_NGROK_EDGE_TCP"] = "1" });
        await FreePort.WaitUntilListeningAsync(edgePort, TimeSpan.FromSeconds(30), () => ngrok.HasExited, Ct);
        var settings = new CheckSettings { Resolve = ["0.tcp.eu.ngrok.io:*:127.0.0.1"], Timeout = TimeSpan.FromSeconds(5) };
        using var checker = new TunnelChecker(Options.Create(new AgentOptions { Checks = settings }), TimeProvider.System);
        var tunnel = new TunnelReport { Name = "ssh", Url = url, Proto = "tcp", Upstream = $"localhost:{service.Port}" };

        var up = await checker.CheckAsync(tunnel, Ct);
        await ngrok.WriteControlAsync($$$"""{"urls": {"ssh": "{{{url}}}"}, "offline": ["ssh"]}""");
        var offline = await Eventually.GetAsync(() => checker.CheckAsync(tunnel, Ct), c => c?.Outcome != CheckOutcomes.Ok, "the edge to take the tcp address offline");
        await ngrok.WriteControlAsync($$$"""{"urls": {"ssh": "{{{url}}}"}}""");
        await Eventually.GetAsync(() => checker.CheckAsync(tunnel, Ct), c => c?.Outcome == CheckOutcomes.Ok, "the tcp address back");
        await service.DisposeAsync();
        var serviceDown = await checker.CheckAsync(tunnel, Ct);

        Assert.Equal((CheckOutcomes.Ok, null), (up?.Outcome, up?.HttpStatus));
        Assert.Equal(CheckOutcomes.UpstreamDown, serviceDown?.Outcome);
        Assert.Equal((CheckOutcomes.EndpointOffline, null), (offline?.Outcome, offline?.Code));
    }
}
