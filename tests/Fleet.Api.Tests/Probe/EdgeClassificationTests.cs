using Fleet.Domain.Messages;
using Fleet.Domain.Reachability;

namespace Fleet.Api.Tests.Probe;

/// <summary>
/// Real answers from a loopback endpoint shaped like ngrok's edge pages (https://ngrok.com/docs/errors/: the code in
/// the page and in the ngrok-error-code header) and like a detector's own service, classified as the contract says.
/// </summary>
public sealed class EdgeClassificationTests
{
    private const string CodeHeader = "ngrok-error-code";

    public static TheoryData<int, string, string, string, string?> Answers => new()
    {
        { 200, "<h1>camera</h1>", "", CheckOutcomes.Ok, null },
        { 500, "internal error of the detector's own service", "", CheckOutcomes.Ok, null },
        { 404, "<html><body>The endpoint is offline. ERR_NGROK_3200</body></html>", $"{CodeHeader}: ERR_NGROK_3200\r\n", CheckOutcomes.EndpointOffline, "ERR_NGROK_3200" },
        { 404, "<html><body>ERR_NGROK_3200</body></html>", "", CheckOutcomes.EndpointOffline, "ERR_NGROK_3200" },
        { 502, "<html>failed to establish a connection to the upstream. ERR_NGROK_8012</html>", $"{CodeHeader}: ERR_NGROK_8012\r\n", CheckOutcomes.UpstreamDown, "ERR_NGROK_8012" },
        { 400, "<html>ERR_NGROK_8012</html>", "", CheckOutcomes.UpstreamDown, "ERR_NGROK_8012" },
        { 502, "<html>invalid or incomplete HTTP response. ERR_NGROK_3004</html>", $"{CodeHeader}: ERR_NGROK_3004\r\n", CheckOutcomes.EdgeError, "ERR_NGROK_3004" },
        { 200, "<html>You are about to visit … ERR_NGROK_6024</html>", "", CheckOutcomes.EdgeError, "ERR_NGROK_6024" },
        { 200, "our own docs page mentions ERR_NGROK_3200", "", CheckOutcomes.Ok, null },
        { 530, "error code: 1033", "", CheckOutcomes.EndpointOffline, "CLOUDFLARE_1033" },
        { 530, "<title>Cloudflare Tunnel error | x.trycloudflare.com | Cloudflare</title><span class=\"cf-error-code\">1033</span>", "", CheckOutcomes.EndpointOffline, "CLOUDFLARE_1033" },
        { 530, "<html><h1>Error 1016</h1> Origin DNS error</html>", "", CheckOutcomes.EndpointOffline, "CLOUDFLARE_1016" },
        { 403, "error code: 1020", "", CheckOutcomes.EdgeError, "CLOUDFLARE_1020" },
        { 200, "release notes: fixed error code: 1033 in the parser", "", CheckOutcomes.Ok, null },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Probe_RealAnswer_ClassifiedAsTheContractSays(int status, string body, string headers, string outcome, string? code)
    {
        await using var endpoint = LoopbackEndpoint.Answer(status, body, headers);
        using var harness = new ProbeHarness(ProbeHarness.LoopbackAllowed(null, $"edge.probe.test:{endpoint.Port}:127.0.0.1"));

        var attempt = await harness.ProbeAsync($"http://edge.probe.test:{endpoint.Port}/");

        Assert.Equal(outcome, attempt.Check.Outcome);
        Assert.Equal(code, attempt.Check.Code);
        Assert.Equal(status, attempt.Check.HttpStatus);
        Assert.NotNull(attempt.Check.LatencyMs);
        Assert.NotNull(attempt.Check.CheckedAt);
    }

    [Fact]
    public async Task Probe_Request_SkipsTheBrowserWarningAndCarriesNoCookieOrCredentials()
    {
        await using var endpoint = LoopbackEndpoint.Answer(200, "ok");
        using var harness = new ProbeHarness(ProbeHarness.LoopbackAllowed(null, $"edge.probe.test:{endpoint.Port}:127.0.0.1"));

        await harness.ProbeAsync($"http://edge.probe.test:{endpoint.Port}/path?q=1");

        Assert.True(endpoint.Requests.TryPeek(out var head));
        var lines = head.Split("\r\n");
        Assert.Equal("GET /path?q=1 HTTP/1.1", lines[0]);
        Assert.Contains($"{EdgeAnswer.SkipBrowserWarningHeader}: 1", lines);
        Assert.Contains($"Host: edge.probe.test:{endpoint.Port}", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("Cookie", StringComparison.OrdinalIgnoreCase)
            || l.StartsWith("Authorization", StringComparison.OrdinalIgnoreCase)
            || l.StartsWith("Proxy-Authorization", StringComparison.OrdinalIgnoreCase));
    }
}
