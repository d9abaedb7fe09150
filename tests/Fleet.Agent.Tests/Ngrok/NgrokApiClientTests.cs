using System.Net;

using Fleet.Agent.Ngrok;

namespace Fleet.Agent.Tests.Ngrok;

/// <summary>One test per documented shape, served over real HTTP from the documentation's examples.</summary>
public sealed class NgrokApiClientTests
{
    private const string Tunnels = "/api/tunnels";
    private const string Endpoints = "/api/endpoints";
    private const string Status = "/api/status";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task GetTunnels_DocsTunnelsOnlyEndpoints404_ReturnsTheDocumentedTunnel()
    {
        IReadOnlyList<NgrokTunnel> tunnels = await GetTunnelsAsync(new() { [Tunnels] = FixtureResponse.File("tunnels-docs.json") });

        NgrokTunnel tunnel = Assert.Single(tunnels);
        Assert.Equal(new NgrokTunnel("command_line", "https://d95211d2.ngrok.app", "https", "localhost:80", null), tunnel);
    }

    [Fact]
    public async Task GetTunnels_CapitalIdAndV2HttpTwin_ReportsOnlyTheHttpsTunnelWithItsId()
    {
        IReadOnlyList<NgrokTunnel> tunnels = await GetTunnelsAsync(new() { [Tunnels] = FixtureResponse.File("tunnels-with-id-and-v2-twin.json") });

        NgrokTunnel tunnel = Assert.Single(tunnels);
        Assert.Equal(new NgrokTunnel("command_line", "https://d95211d2.ngrok.io", "https", "http://localhost:80", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"), tunnel);
    }

    [Fact]
    public async Task GetTunnels_TcpTunnel_KeepsTcpUrlAndProto()
    {
        IReadOnlyList<NgrokTunnel> tunnels = await GetTunnelsAsync(new() { [Tunnels] = FixtureResponse.File("tunnels-tcp.json") });

        Assert.Equal(new NgrokTunnel("ssh", "tcp://0.tcp.ngrok.io:53476", "tcp", "localhost:22", null), Assert.Single(tunnels));
    }

    [Fact]
    public async Task GetTunnels_EndpointsOnlyTunnels404_ReadsEndpointsAndTakesProtoFromUrl()
    {
        IReadOnlyList<NgrokTunnel> tunnels = await GetTunnelsAsync(new()
        {
            [Tunnels] = FixtureResponse.NotFound,
            [Endpoints] = FixtureResponse.File("endpoints-docs.json"),
        });

        // upstream.protocol says "https" in the docs example; the public URL's scheme is what counts.
        Assert.Equal(new NgrokTunnel("command_line", "https://871e40f2d4c2.ngrok.paid.lan", "https", "http://localhost:8000", null), Assert.Single(tunnels));
    }

    [Fact]
    public async Task GetTunnels_BothRoutesSameName_TunnelsEntryWins()
    {
        IReadOnlyList<NgrokTunnel> tunnels = await GetTunnelsAsync(new()
        {
            [Tunnels] = FixtureResponse.File("tunnels-docs.json"),
            [Endpoints] = FixtureResponse.File("endpoints-docs.json"),
        });

        Assert.Equal(new NgrokTunnel("command_line", "https://d95211d2.ngrok.app", "https", "localhost:80", null), Assert.Single(tunnels));
    }

    [Fact]
    public async Task GetTunnels_BothRoutesDifferentNames_MergedAndSortedByName()
    {
        IReadOnlyList<NgrokTunnel> tunnels = await GetTunnelsAsync(new()
        {
            [Tunnels] = FixtureResponse.File("tunnels-tcp.json"),
            [Endpoints] = FixtureResponse.File("endpoints-docs.json"),
        });

        Assert.Equal(["command_line", "ssh"], tunnels.Select(t => t.Name));
        Assert.Equal(["https://871e40f2d4c2.ngrok.paid.lan", "tcp://0.tcp.ngrok.io:53476"], tunnels.Select(t => t.PublicUrl));
    }

    [Fact]
    public async Task GetTunnels_TunnelWithoutAddr_UpstreamFilledFromEndpoint()
    {
        IReadOnlyList<NgrokTunnel> tunnels = await GetTunnelsAsync(new()
        {
            [Tunnels] = FixtureResponse.Json("""{"tunnels":[{"name":"command_line","public_url":"https://d95211d2.ngrok.app","proto":"https","ID":"tn_1"}]}"""),
            [Endpoints] = FixtureResponse.File("endpoints-docs.json"),
        });

        Assert.Equal(new NgrokTunnel("command_line", "https://d95211d2.ngrok.app", "https", "http://localhost:8000", "tn_1"), Assert.Single(tunnels));
    }

    [Fact]
    public async Task GetTunnels_LoneV2HttpTwin_ReportedUnderTheConfigName()
    {
        IReadOnlyList<NgrokTunnel> tunnels = await GetTunnelsAsync(new()
        {
            [Tunnels] = FixtureResponse.Json("""{"tunnels":[{"name":"web (http)","public_url":"http://ab12.ngrok.io","proto":"http","config":{"addr":"http://localhost:3000"}}]}"""),
        });

        Assert.Equal(new NgrokTunnel("web", "http://ab12.ngrok.io", "http", "http://localhost:3000", null), Assert.Single(tunnels));
    }

    [Fact]
    public async Task GetTunnels_NeitherRouteExists_ReturnsEmpty()
    {
        Assert.Empty(await GetTunnelsAsync([]));
    }

    [Fact]
    public async Task GetTunnels_ServerError_ThrowsHttpRequestExceptionWithStatus()
    {
        HttpRequestException ex = await Assert.ThrowsAsync<HttpRequestException>(() => GetTunnelsAsync(new()
        {
            [Tunnels] = new FixtureResponse(500, """{"error_code":107,"status_code":500,"msg":"internal error"}"""),
            [Endpoints] = FixtureResponse.File("endpoints-docs.json"),
        }));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
    }

    [Fact]
    public async Task GetTunnels_MalformedJson_ThrowsInvalidDataExceptionWithoutTheBody()
    {
        const string body = """{"tunnels":[{"name":"secret-looking-value","public_url":""";

        InvalidDataException ex = await Assert.ThrowsAsync<InvalidDataException>(() => GetTunnelsAsync(new() { [Tunnels] = FixtureResponse.Json(body) }));

        Assert.DoesNotContain("secret-looking-value", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTunnels_Redirect_IsNotFollowed()
    {
        await Assert.ThrowsAsync<HttpRequestException>(() => GetTunnelsAsync(new()
        {
            [Tunnels] = FixtureResponse.Redirect("http://example.invalid/api/tunnels"),
        }));
    }

    [Fact]
    public async Task GetTunnels_CallerClientFollowsRedirectToAnotherHost_Refuses()
    {
        await using FixtureHttpServer server = FixtureHttpServer.Start(new Dictionary<string, FixtureResponse>(), alsoAnswerLocalhost: true);
        await using FixtureHttpServer redirecting = FixtureHttpServer.Start(new Dictionary<string, FixtureResponse>
        {
            [Tunnels] = FixtureResponse.Redirect($"http://localhost:{server.Port}/moved"),
        });

        // A default HttpClient follows redirects; the client must still refuse what came from elsewhere.
        using HttpClient http = new() { BaseAddress = redirecting.BaseAddress, Timeout = Timeout };
        HttpRequestException ex = await Assert.ThrowsAsync<HttpRequestException>(() => new NgrokApiClient(http).GetTunnelsAsync(CancellationToken.None));
        Assert.Contains("another host", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStatus_DocsExample_OnlineWithVersion()
    {
        await using FixtureHttpServer server = FixtureHttpServer.Start(new Dictionary<string, FixtureResponse> { [Status] = FixtureResponse.File("status-docs.json") });
        using HttpClient http = NgrokApiClient.CreateHttpClient(server.BaseAddress, Timeout);

        NgrokAgentStatus status = await new NgrokApiClient(http).GetStatusAsync(CancellationToken.None);

        Assert.Equal(new NgrokAgentStatus("3.9.0", true), status);
    }

    [Fact]
    public async Task GetStatus_Route404OnAgentsBefore390_BothNull()
    {
        await using FixtureHttpServer server = FixtureHttpServer.Start(new Dictionary<string, FixtureResponse>());
        using HttpClient http = NgrokApiClient.CreateHttpClient(server.BaseAddress, Timeout);

        NgrokAgentStatus status = await new NgrokApiClient(http).GetStatusAsync(CancellationToken.None);

        Assert.Equal(new NgrokAgentStatus(null, null), status);
    }

    [Fact]
    public async Task GetStatus_Reconnecting_NotOnline()
    {
        await using FixtureHttpServer server = FixtureHttpServer.Start(new Dictionary<string, FixtureResponse>
        {
            [Status] = FixtureResponse.Json("""{"status":"reconnecting","agent_version":"3.19.0"}"""),
        });
        using HttpClient http = NgrokApiClient.CreateHttpClient(server.BaseAddress, Timeout);

        NgrokAgentStatus status = await new NgrokApiClient(http).GetStatusAsync(CancellationToken.None);

        Assert.Equal(new NgrokAgentStatus("3.19.0", false), status);
    }

    private static async Task<IReadOnlyList<NgrokTunnel>> GetTunnelsAsync(Dictionary<string, FixtureResponse> routes)
    {
        await using FixtureHttpServer server = FixtureHttpServer.Start(routes);
        using HttpClient http = NgrokApiClient.CreateHttpClient(server.BaseAddress, Timeout);
        return await new NgrokApiClient(http).GetTunnelsAsync(CancellationToken.None);
    }
}
