using Fleet.Domain.Reachability;
using System.Net.Sockets;
using Fleet.Agent.Checks;
using Fleet.Domain.Messages;

namespace Fleet.Agent.Tests.Checks;

/// <summary>The agent's checker against the stand-in ngrok and its edge stand-in, over real sockets and TLS.</summary>
public sealed class EdgeStandInTests : IDisposable
{
    private const string Page = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";

    private readonly CancellationTokenSource _bound = new(TimeSpan.FromSeconds(120));

    private CancellationToken Ct => _bound.Token;

    public void Dispose() => _bound.Dispose();

    [Fact]
    public async Task Check_ServiceAnswers_OkThroughTheEdge()
    {
        await using var service = ScriptedServer.Answering(Page);
        await using var edge = await EdgeStandIn.StartAsync(service.Port);

        var check = await edge.CheckAsync(Ct);

        Assert.NotNull(check);
        Assert.Equal((CheckOutcomes.Ok, null, 200), (check.Outcome, check.Code, check.HttpStatus));
        Assert.NotNull(check.CheckedAt);
        Assert.Contains(service.Requests, r => r.Contains("ngrok-skip-browser-warning: 1", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Check_LocalServiceStopped_UpstreamDownWithTheEdgesCode()
    {
        var service = ScriptedServer.Answering(Page);
        await using var edge = await EdgeStandIn.StartAsync(service.Port);
        Assert.Equal(CheckOutcomes.Ok, (await edge.CheckAsync(Ct))?.Outcome);

        await service.DisposeAsync();
        var check = await edge.CheckAsync(Ct);

        Assert.NotNull(check);
        Assert.Equal((CheckOutcomes.UpstreamDown, "ERR_NGROK_8012", 502), (check.Outcome, check.Code, check.HttpStatus));
    }

    [Fact]
    public async Task Check_EdgeTakesTheUrlOffline_EndpointOffline3200()
    {
        await using var service = ScriptedServer.Answering(Page);
        await using var edge = await EdgeStandIn.StartAsync(service.Port);

        await edge.Ngrok.WriteControlAsync($$$"""{"urls": {"web": "{{{EdgeStandIn.Url}}}"}, "offline": ["web"]}""");
        var check = await Eventually.GetAsync(() => edge.CheckAsync(Ct), c => c?.Outcome != CheckOutcomes.Ok, "the edge to take the URL offline");

        Assert.NotNull(check);
        Assert.Equal((CheckOutcomes.EndpointOffline, "ERR_NGROK_3200", 404), (check.Outcome, check.Code, check.HttpStatus));
    }

    [Fact]
    public async Task Check_ServiceAnswersNotHttp_EdgeError3004()
    {
        await using var service = ScriptedServer.Answering("SSH-2.0-OpenSSH_9.2\r\n\r\n");
        await using var edge = await EdgeStandIn.StartAsync(service.Port);

        var check = await edge.CheckAsync(Ct);

        Assert.NotNull(check);
        Assert.Equal((CheckOutcomes.EdgeError, "ERR_NGROK_3004", 502), (check.Outcome, check.Code, check.HttpStatus));
    }

    [Fact]
    public async Task BrowserWithoutSkipHeader_GetsTheInterstitial_WhichTheCheckSkips()
    {
        await using var service = ScriptedServer.Answering(Page);
        await using var edge = await EdgeStandIn.StartAsync(service.Port);
        var connector = new CheckConnector([ResolveRules.Parse($"*.ngrok-free.app:443:127.0.0.1:{edge.EdgePort}")]);
        using var browser = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) => new NetworkStream(await connector.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, ct), ownsSocket: true),
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, errors) => errors is System.Net.Security.SslPolicyErrors.None or System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors },
        });
        browser.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux aarch64) Chrome/156.0");

        using var interstitial = await browser.GetAsync(EdgeStandIn.Url, Ct);
        var check = await edge.CheckAsync(Ct);

        Assert.Equal("ERR_NGROK_6024", Assert.Single(interstitial.Headers.GetValues("ngrok-error-code")));
        Assert.Equal(CheckOutcomes.EdgeError, EdgeAnswer.Classify((int)interstitial.StatusCode, "ERR_NGROK_6024", default).Outcome);
        Assert.Equal(CheckOutcomes.Ok, check?.Outcome);
    }
}
