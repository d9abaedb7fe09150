using System.Text.RegularExpressions;
using Fleet.Agent.Configuration;
using Fleet.Agent.Tests.Cloudflared;
using Fleet.Agent.Tunnels;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Agent.Tests.Tunnels;

/// <summary>The cloudflared provider supervising the stand-in cloudflared as a real process, reading its metrics server.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class CloudflaredTunnelProviderTests : IDisposable
{
    private const string Service = "http://localhost:8080";

    private readonly CancellationTokenSource _bound = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _bound.Token;

    public void Dispose() => _bound.Dispose();

    [Fact]
    public void Spec_IsTheDocumentedQuickTunnel_WithLoopbackMetricsAndNoAutoupdate()
    {
        var spec = CloudflaredTunnelProvider.BuildSpec(new CloudflaredSettings { Binary = "/usr/bin/cloudflared", Url = "http://localhost:80", MetricsAddress = "127.0.0.1:20300", Protocol = "http2" });

        Assert.Equal("/usr/bin/cloudflared", spec.FileName);
        Assert.Equal("tunnel", spec.Arguments[0]);
        var args = string.Join(' ', spec.Arguments);
        Assert.Contains("--no-autoupdate", spec.Arguments);
        Assert.Contains("--metrics 127.0.0.1:20300", args, StringComparison.Ordinal);
        Assert.Contains("--protocol http2", args, StringComparison.Ordinal);
        Assert.EndsWith("--url http://localhost:80", args, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_StandInConnected_PublishesTheTrycloudflareUrlAsRunning()
    {
        using var fake = FakeCloudflared.Create();
        await using var run = new ProviderRun(fake, fake.Settings(Service, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)), TimeProvider.System);

        var running = await run.WaitForAsync(s => s.Provider.State == "running", "running");

        var tunnel = Assert.Single(running.Tunnels);
        Assert.Matches(QuickTunnelUrl(), tunnel.Url);
        Assert.Equal("https", tunnel.Proto);
        Assert.Equal(Service, tunnel.Upstream);
        Assert.Equal("cloudflared", running.Provider.Kind);
        Assert.Equal("2026.8.2-fake", running.Provider.Version);
        Assert.Null(running.Provider.Error);

        // The URL is the one the metrics server names, and cloudflared's output is kept in the agent's log directory.
        using var http = new HttpClient();
        var answer = await http.GetStringAsync(new Uri($"http://{fake.MetricsAddress}/quicktunnel"), Ct);
        Assert.Contains(new Uri(tunnel.Url).Host, answer, StringComparison.Ordinal);
        Assert.Contains("Registered tunnel connection", await File.ReadAllTextAsync(Path.Combine(run.LogDirectory, "cloudflared.log"), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_CloudflaredRestarts_PublishesTheNewUrl()
    {
        using var fake = FakeCloudflared.Create();
        await using var run = new ProviderRun(fake, fake.Settings(Service, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)), TimeProvider.System);
        var first = (await run.WaitForAsync(s => s.Provider.State == "running", "running")).Tunnels[0].Url;

        await fake.WriteControlAsync("""{"crash": true, "exitCode": 1}""");
        var crashed = await run.WaitForAsync(s => s.Provider.State == "crashed", "crashed");
        Assert.Empty(crashed.Tunnels);
        Assert.Equal("cloudflared exited with code 1", crashed.Provider.Error);

        await fake.WriteControlAsync("{}");
        var again = await run.WaitForAsync(s => s.Provider.State == "running", "running again");

        var second = Assert.Single(again.Tunnels).Url;
        Assert.Matches(QuickTunnelUrl(), second);
        Assert.NotEqual(first, second);
        Assert.True(again.Provider.Restarts >= 1);
    }

    [Fact]
    public async Task Provider_QuickTunnelRateLimited_ReportsItInWordsAndRetriesAfterTheBackoff()
    {
        using var fake = FakeCloudflared.Create("""{"rateLimited": true}""");
        var clock = new FakeTimeProvider();
        await using var run = new ProviderRun(fake, fake.Settings(Service, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)), clock);

        var limited = await run.WaitForAsync(s => s.Provider.State == "error", "the rate limit reported");
        Assert.Empty(limited.Tunnels);
        Assert.Contains("rate-limited by trycloudflare.com", limited.Provider.Error, StringComparison.Ordinal);
        Assert.Equal(0, limited.Provider.Restarts);

        // The restart waits for the backoff on the agent's clock: advancing it past the longest wait starts cloudflared again.
        clock.Advance(TimeSpan.FromMinutes(2));
        var retried = await run.WaitForAsync(s => s.Provider.Restarts == 1 && s.Provider.State == "error", "one retry, rate-limited again");
        Assert.Contains("HTTP 429", retried.Provider.Error, StringComparison.Ordinal);

        await fake.WriteControlAsync("{}");
        clock.Advance(TimeSpan.FromMinutes(2));
        var running = await run.WaitForAsync(s => s.Provider.State == "running", "running once the limit is lifted");
        Assert.Matches(QuickTunnelUrl(), Assert.Single(running.Tunnels).Url);
        Assert.Null(running.Provider.Error);
    }

    [Fact]
    public async Task Provider_EdgeUnreachable_ReportsNoConnectivityInWordsAndKeepsTheUrlUntilItReconnects()
    {
        using var fake = FakeCloudflared.Create();
        await using var run = new ProviderRun(fake, fake.Settings(Service, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)), TimeProvider.System);
        var url = (await run.WaitForAsync(s => s.Provider.State == "running", "running")).Tunnels[0].Url;

        await fake.WriteControlAsync("""{"noEdge": true}""");
        var lost = await run.WaitForAsync(s => s.Provider.State == "reconnecting" && s.Provider.Error is not null, "reconnecting with an error");
        Assert.StartsWith("no connection to Cloudflare's edge", lost.Provider.Error, StringComparison.Ordinal);
        Assert.Contains("7844", lost.Provider.Error, StringComparison.Ordinal);
        Assert.Equal(url, Assert.Single(lost.Tunnels).Url);

        await fake.WriteControlAsync("{}");
        var back = await run.WaitForAsync(s => s.Provider.State == "running", "running again");
        Assert.Equal(url, Assert.Single(back.Tunnels).Url);
        Assert.Null(back.Provider.Error);
        Assert.Equal(0, back.Provider.Restarts);
    }

    [Fact]
    public async Task Provider_NoEdgeFromTheStart_IsStartingWithTheErrorAndPublishesNoUrl()
    {
        using var fake = FakeCloudflared.Create("""{"noEdge": true}""");
        await using var run = new ProviderRun(fake, fake.Settings(Service, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)), TimeProvider.System);

        var starting = await run.WaitForAsync(s => s.Provider.Error is not null, "the error reported");

        // The hostname exists but nothing reaches it yet: a URL that answers 1033 must not be published as working.
        Assert.Equal("starting", starting.Provider.State);
        Assert.Empty(starting.Tunnels);
        Assert.Contains("failed to dial to edge with quic", starting.Provider.Error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^https://[a-z0-9-]+\.trycloudflare\.com$")]
    private static partial Regex QuickTunnelUrl();
}
