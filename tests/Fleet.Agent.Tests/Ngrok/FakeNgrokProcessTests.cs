using System.Text.RegularExpressions;
using Fleet.Agent.Ngrok;

namespace Fleet.Agent.Tests.Ngrok;

/// <summary>The stand-in ngrok as a real process, observed only through <see cref="NgrokApiClient"/> and its output.</summary>
public sealed partial class FakeNgrokProcessTests
{
    private const string WebAndSsh = """
        tunnels:
          web:
            proto: http
            addr: 80
          ssh:
            proto: tcp
            addr: 22
        """;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FakeNgrok_StartAll_ServesRandomUrlsAndLogsStartedTunnel()
    {
        await using FakeNgrokProcess ngrok = await FakeNgrokProcess.StartAsync(WebAndSsh);

        IReadOnlyList<NgrokTunnel> tunnels = await ngrok.Api.GetTunnelsAsync(CancellationToken.None);
        NgrokAgentStatus status = await ngrok.Api.GetStatusAsync(CancellationToken.None);

        Assert.Equal(["ssh", "web"], tunnels.Select(t => t.Name));
        Assert.Matches(TcpUrl(), tunnels[0].PublicUrl);
        Assert.Equal("tcp", tunnels[0].Proto);
        Assert.Matches(HttpsUrl(), tunnels[1].PublicUrl);
        Assert.Equal("https", tunnels[1].Proto);
        Assert.Equal(new NgrokAgentStatus("3.19.0-fake", true), status);

        // The log announces the same URLs, with addr once as a string and once as an object.
        NgrokLogEvent[] started = await Eventually.GetAsync(
            () => Task.FromResult(ngrok.Events().Where(e => e.IsTunnelStarted).ToArray()), e => e.Length == 2, "two started tunnel records", Timeout);
        Assert.Equal(tunnels.Select(t => (t.Name, t.PublicUrl)).Order(), started.Select(e => (e.Name!, e.Url!)).Order());
        Assert.Contains(started, e => e.Addr == "http://localhost:80");
        Assert.Contains(started, e => e.Addr == "tcp://localhost:22");
    }

    [Fact]
    public async Task FakeNgrok_ChangeUrlThenDropSession_NewUrlThatSurvivesTheReconnect()
    {
        await using FakeNgrokProcess ngrok = await FakeNgrokProcess.StartAsync(WebAndSsh, Control("a", dropSession: false));
        string first = WebUrl(await ngrok.Api.GetTunnelsAsync(CancellationToken.None));

        await ngrok.WriteControlAsync(Control("b", dropSession: false));
        IReadOnlyList<NgrokTunnel> changed = await Eventually.GetAsync(
            () => ngrok.Api.GetTunnelsAsync(CancellationToken.None), t => WebUrl(t) != first, "a new web URL", Timeout);
        string second = WebUrl(changed);
        Assert.Matches(HttpsUrl(), second);
        Assert.Equal("tcp://1.tcp.ngrok.io:12345", changed.Single(t => t.Name == "ssh").PublicUrl);

        await ngrok.WriteControlAsync(Control("b", dropSession: true));
        await Eventually.GetAsync(() => ngrok.Api.GetStatusAsync(CancellationToken.None), s => s.SessionOnline == false, "the session to drop", Timeout);
        Assert.Equal(second, WebUrl(await ngrok.Api.GetTunnelsAsync(CancellationToken.None)));
        Assert.Contains(ngrok.Events(), e => e.IsSessionLost);

        await ngrok.WriteControlAsync(Control("b", dropSession: false));
        await Eventually.GetAsync(() => ngrok.Api.GetStatusAsync(CancellationToken.None), s => s.SessionOnline == true, "the session to come back", Timeout);
        Assert.Equal(second, WebUrl(await ngrok.Api.GetTunnelsAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task FakeNgrok_Crash_ExitsWithTheRequestedCodeAndStopsServing()
    {
        await using FakeNgrokProcess ngrok = await FakeNgrokProcess.StartAsync(WebAndSsh);

        await ngrok.WriteControlAsync("""{"crash":true,"exitCode":3}""");

        Assert.Equal(3, await ngrok.WaitForExitAsync(Timeout));
        await Assert.ThrowsAsync<HttpRequestException>(() => ngrok.Api.GetTunnelsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task FakeNgrok_Error108_LogsTheCodeAsCritAndExitsWith1()
    {
        await using FakeNgrokProcess ngrok = await FakeNgrokProcess.StartAsync(WebAndSsh);

        await ngrok.WriteControlAsync("""{"error":"ERR_NGROK_108"}""");

        Assert.Equal(1, await ngrok.WaitForExitAsync(Timeout));
        NgrokLogEvent failure = await Eventually.GetAsync(
            () => Task.FromResult(ngrok.Events().FirstOrDefault(e => e.IsFatal)), e => e is not null, "the crit record", Timeout)
            ?? throw new InvalidOperationException("unreachable");
        Assert.Equal("ERR_NGROK_108", failure.ErrorCode);
        Assert.True(NgrokErrors.Find(failure.ErrorCode)?.RestartMayHelp);
    }

    // ssh is pinned: a pinned URL survives changeUrl, like a reserved address.
    private static string Control(string changeUrl, bool dropSession) =>
        $$"""{"urls":{"ssh":"tcp://1.tcp.ngrok.io:12345"},"changeUrl":"{{changeUrl}}","dropSession":{{(dropSession ? "true" : "false")}}}""";

    private static string WebUrl(IReadOnlyList<NgrokTunnel> tunnels) => tunnels.Single(t => t.Name == "web").PublicUrl;

    [GeneratedRegex(@"^https://[0-9a-f]{8}\.ngrok-free\.app$")]
    private static partial Regex HttpsUrl();

    [GeneratedRegex(@"^tcp://0\.tcp\.eu\.ngrok\.io:[1-6][0-9]{4}$")]
    private static partial Regex TcpUrl();
}
