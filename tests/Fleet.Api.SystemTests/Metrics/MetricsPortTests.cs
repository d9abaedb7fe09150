using System.Net;
using System.Text.Json;

namespace Fleet.Api.SystemTests.Metrics;

/// <summary>
/// <c>Metrics:Port</c> needs real sockets (TestServer has no ports), so the API runs as a real process here:
/// Development, embedded broker and SQLite, with a metrics port next to its main port.
/// </summary>
public sealed class MetricsPortTests
{
    [Fact]
    public async Task MetricsPort_ServesMetricsAnonymously_OnlyThere_MainPortStillNeedsAReader()
    {
        var metricsPort = FreePort.Next();
        await using var api = await ApiProcess.StartDevelopmentAsync($"--Metrics:Port={metricsPort}");
        var credentials = api.DevelopmentCredentials();
        var readerKey = credentials.GetProperty("ReaderKey").GetString()!;

        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        using var main = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{api.HttpPort}") };

        var scrape = await metrics.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await metrics.GetAsync("/detectors")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await metrics.GetAsync("/health/live")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await main.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await main.GetAsync("/metrics")).StatusCode);
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        spoofed.Headers.Host = $"127.0.0.1:{metricsPort}";
        Assert.Equal(HttpStatusCode.Unauthorized, (await main.SendAsync(spoofed)).StatusCode);
        using var withKey = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        withKey.Headers.Add("X-Api-Key", readerKey);
        Assert.Equal(HttpStatusCode.OK, (await main.SendAsync(withKey)).StatusCode);

        // Recorded when a response completes, and the exporter caches a scrape briefly: poll.
        await Eventually.TrueAsync(
            async () => PrometheusText.Parse(await metrics.GetStringAsync("/metrics"))
                .Any(s => s.Name == "http_server_request_duration_seconds_count" && s.Labels.GetValueOrDefault("http_route") == "/health/live"),
            "the metrics port shows the HTTP server metrics of the main port");
    }
}
