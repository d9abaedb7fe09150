using Fleet.Agent.Cloudflared;

namespace Fleet.Agent.Tests.Cloudflared;

/// <summary>Lines as cloudflared prints them (its source, and output users posted in cloudflared's issue tracker).</summary>
public sealed class CloudflaredLogLineTests
{
    [Fact]
    public void Parse_RateLimitedQuickTunnel_SaysSoInWords()
    {
        // cloudflared issue #972 and later reports: trycloudflare.com answers 429 with "error code: 1015".
        var ev = CloudflaredLogLine.Parse("2026-05-29T09:25:34Z ERR Error unmarshaling QuickTunnel response: error code: 1015 error=\"invalid character 'e' looking for beginning of value\" status_code=\"429 Too Many Requests\"");

        Assert.Equal(CloudflaredLogKind.Error, ev.Kind);
        Assert.Equal("ERR", ev.Level);
        Assert.Contains("rate-limited by trycloudflare.com (HTTP 429, Cloudflare error 1015)", ev.Words, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_QuicDialFailure_SaysTheEdgeIsUnreachableWithTheCause()
    {
        var ev = CloudflaredLogLine.Parse("2026-05-29T09:25:40Z ERR Failed to dial a quic connection error=\"failed to dial to edge with quic: timeout: no recent network activity\" connIndex=0 event=0 addr=198.41.192.7:7844");

        Assert.Equal(CloudflaredLogKind.Error, ev.Kind);
        Assert.Equal("no connection to Cloudflare's edge (is outbound UDP/TCP port 7844 blocked, or the network down?): failed to dial to edge with quic: timeout: no recent network activity", ev.Words);
    }

    [Fact]
    public void Parse_QuickTunnelRequestFailed_LastWordsWithoutTimestamp_SayTheServiceIsUnreachable()
    {
        var ev = CloudflaredLogLine.Parse("failed to request quick Tunnel: Post \"https://api.trycloudflare.com/tunnel\": dial tcp: lookup api.trycloudflare.com: no such host");

        Assert.Null(ev.Level);
        Assert.Equal(CloudflaredLogKind.Error, ev.Kind);
        Assert.StartsWith("cannot reach trycloudflare.com to create a quick tunnel", ev.Words, StringComparison.Ordinal);
        Assert.EndsWith("no such host", ev.Words, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-12-19T21:17:58Z INF Registered tunnel connection connIndex=0 connection=8143bc0c-8dc1-48b7-87f1-75bcf84a942f event=0 ip=198.41.192.7 location=ams01 protocol=quic", "Connected")]
    [InlineData("2024-12-19T21:17:58Z ERR Connection terminated error=\"timeout: no recent network activity\" connIndex=0", "Disconnected")]
    [InlineData("2024-12-19T21:17:58Z INF Lost connection with the edge connIndex=0", "Disconnected")]
    [InlineData("2023-01-16T08:32:58Z INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |", "QuickTunnelCreated")]
    [InlineData("2024-12-19T21:17:58Z INF Starting metrics server on 127.0.0.1:20241/metrics", "Other")]
    [InlineData("2024-12-19T21:17:58Z ERR Request failed error=\"Unable to reach the origin service.\" connIndex=0 type=http", "Other")]
    public void Parse_KnownLines_HaveTheirMeaning(string line, string kind) =>
        Assert.Equal(Enum.Parse<CloudflaredLogKind>(kind), CloudflaredLogLine.Parse(line).Kind);

    [Theory]
    [InlineData("2024-12-19T21:17:58Z INF Version 2024.12.1 (Checksum 5b1a…)", "2024.12.1")]
    [InlineData("2023-01-16T08:32:58Z INF Version 2022.12.1", "2022.12.1")]
    public void Parse_VersionLine_GivesTheVersion(string line, string version) =>
        Assert.Equal(version, CloudflaredLogLine.Parse(line).Version);

    [Fact]
    public void Parse_HugeErrorLine_WordsAreCut()
    {
        var ev = CloudflaredLogLine.Parse("2024-12-19T21:17:58Z ERR Error unmarshaling QuickTunnel response: " + new string('x', 100_000) + " status_code=\"502 Bad Gateway\"");

        Assert.True(ev.Words!.Length <= CloudflaredLogLine.MaxWordsLength);
    }
}
