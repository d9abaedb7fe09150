using System.Net;
using System.Text;
using Fleet.Api.Reachability;
using Fleet.Domain.Messages;

namespace Fleet.Api.Tests.Probe;

/// <summary>
/// Hostile or broken endpoints (allowed through Probe:AllowedNetworks=127.0.0.0/8) end with the right outcome and cost
/// the prober a bounded number of bytes read from the socket, whatever they send. Each write loop is bounded.
/// </summary>
public sealed class HostileEndpointTests
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromSeconds(1);

    private static long Budget(ProbeOptions o) => (long)o.MaxResponseHeaderBytes + o.MaxResponseBytes + ProbeConnections.Overhead;

    private static ProbeHarness Harness(LoopbackEndpoint endpoint, TimeSpan? timeout = null) =>
        new(ProbeHarness.LoopbackAllowed(timeout, $"hostile.probe.test:{endpoint.Port}:127.0.0.1"));

    [Fact]
    public async Task Probe_HeadersDripOneByteAtATime_TimesOutHavingReadOnlyWhatArrived()
    {
        const int DripBytes = 400;
        LoopbackEndpoint? endpoint = null;
        endpoint = LoopbackEndpoint.Http(async (stream, _, ct) =>
        {
            await LoopbackEndpoint.Write(stream, "HTTP/1.1 200 OK\r\nX-Drip: ", ct);
            for (var i = 0; i < DripBytes; i++)
            {
                await stream.WriteAsync("a"u8.ToArray(), ct);
                endpoint!.Count(1);
                await Task.Delay(TimeSpan.FromMilliseconds(25), ct);
            }
        });
        await using var _ = endpoint;
        using var harness = Harness(endpoint, ShortTimeout);

        var attempt = await harness.ProbeAsync($"http://hostile.probe.test:{endpoint.Port}/");

        Assert.Equal(CheckOutcomes.Timeout, attempt.Check.Outcome);
        Assert.InRange(attempt.BytesRead, 1, "HTTP/1.1 200 OK\r\nX-Drip: ".Length + DripBytes - 1);
    }

    [Fact]
    public async Task Probe_EndlessBody_OkAfterReadingAtMostTheBudget()
    {
        LoopbackEndpoint? endpoint = null;
        endpoint = LoopbackEndpoint.Http(async (stream, _, ct) =>
        {
            await LoopbackEndpoint.Write(stream, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", ct);
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 1024; i++)
            {
                await stream.WriteAsync(chunk, ct);
                endpoint!.Count(chunk.Length);
            }
        });
        await using var _ = endpoint;
        using var harness = Harness(endpoint);

        var attempt = await harness.ProbeAsync($"http://hostile.probe.test:{endpoint.Port}/");

        Assert.Equal(CheckOutcomes.Ok, attempt.Check.Outcome);
        Assert.Equal(200, attempt.Check.HttpStatus);
        Assert.InRange(attempt.BytesRead, harness.Options.MaxResponseBytes, Budget(harness.Options));
    }

    [Fact]
    public async Task Probe_HugeHeaders_EdgeErrorAfterReadingAtMostTheBudget()
    {
        LoopbackEndpoint? endpoint = null;
        endpoint = LoopbackEndpoint.Http(async (stream, _, ct) =>
        {
            await LoopbackEndpoint.Write(stream, "HTTP/1.1 200 OK\r\n", ct);
            var line = Encoding.ASCII.GetBytes("X-Pad: " + new string('a', 1000) + "\r\n");
            for (var i = 0; i < 4096; i++)
            {
                await stream.WriteAsync(line, ct);
                endpoint!.Count(line.Length);
            }
        });
        await using var _ = endpoint;
        using var harness = Harness(endpoint);

        var attempt = await harness.ProbeAsync($"http://hostile.probe.test:{endpoint.Port}/");

        Assert.Equal(CheckOutcomes.EdgeError, attempt.Check.Outcome);
        Assert.InRange(attempt.BytesRead, 1, Budget(harness.Options));
    }

    [Fact]
    public async Task Probe_TlsHandshakeNeverAnswered_TimesOutHavingReadNothing()
    {
        await using var endpoint = LoopbackEndpoint.Silent();
        using var harness = Harness(endpoint, ShortTimeout);

        var attempt = await harness.ProbeAsync($"https://hostile.probe.test:{endpoint.Port}/");

        Assert.Equal(CheckOutcomes.Timeout, attempt.Check.Outcome);
        Assert.Equal(1, endpoint.Accepted);
        Assert.Equal(0, attempt.BytesRead);
    }

    [Fact]
    public async Task Probe_HttpsUrlAnsweredInPlainHttp_TlsError()
    {
        await using var endpoint = LoopbackEndpoint.Raw((stream, _, ct) =>
            LoopbackEndpoint.Write(stream, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", ct));
        using var harness = Harness(endpoint);

        var attempt = await harness.ProbeAsync($"https://hostile.probe.test:{endpoint.Port}/");

        Assert.Equal(CheckOutcomes.TlsError, attempt.Check.Outcome);
        Assert.InRange(attempt.BytesRead, 0, Budget(harness.Options));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("tcp")]
    public async Task Probe_NothingListens_EndpointOffline(string scheme)
    {
        var port = FreePort.Next();
        using var harness = new ProbeHarness(ProbeHarness.LoopbackAllowed(null, $"closed.probe.test:{port}:127.0.0.1"));

        var attempt = await harness.ProbeAsync(scheme == "tcp" ? $"tcp://closed.probe.test:{port}" : $"http://closed.probe.test:{port}/");

        Assert.Equal(CheckOutcomes.EndpointOffline, attempt.Check.Outcome);
        Assert.True(attempt.ConnectAttempted);
    }

    [Fact]
    public async Task Probe_TcpUrlWithListener_OkWithoutReading()
    {
        await using var endpoint = LoopbackEndpoint.Silent(IPAddress.Loopback);
        using var harness = Harness(endpoint);

        var attempt = await harness.ProbeAsync($"tcp://hostile.probe.test:{endpoint.Port}");

        Assert.Equal(CheckOutcomes.Ok, attempt.Check.Outcome);
        Assert.Null(attempt.Check.HttpStatus);
        Assert.Equal(0, attempt.BytesRead);
        await Eventually.TrueAsync(() => Task.FromResult(endpoint.Accepted == 1), "the tcp listener accepted the probe");
    }
}
