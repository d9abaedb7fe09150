using Fleet.Api.Data;
using Fleet.Api.Ingest;
using Fleet.Domain.Messages;

namespace Fleet.Api.Tests.Ingest;

/// <summary>
/// What makes a tunnel a different tunnel (the change budget and history count it) is the fingerprint's rule with the
/// agent checks left out: every field that changes the fingerprint, except a check, moves the tunnels.
/// </summary>
public sealed class TunnelChangesTests
{
    private const string Detector = "pi-042";

    private static readonly TunnelReport Web = new()
    {
        Name = "web", Url = "https://ab12.ngrok-free.app", Proto = "https", Upstream = "http://localhost:8080",
        StartedAt = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero),
    };

    private static readonly TunnelReport Ssh = new() { Name = "ssh", Url = "tcp://0.tcp.eu.ngrok.io:12345", Proto = "tcp" };

    public static TheoryData<string, TunnelReport[]> Moves => new()
    {
        { "url", [Web with { Url = "https://cd34.ngrok-free.app" }, Ssh] },
        { "proto", [Web with { Proto = "http" }, Ssh] },
        { "upstream", [Web with { Upstream = "http://localhost:9090" }, Ssh] },
        { "started", [Web with { StartedAt = Web.StartedAt!.Value.AddSeconds(1) }, Ssh] },
        { "added", [Web, Ssh, Web with { Name = "api" }] },
        { "removed", [Web] },
        { "renamed", [Web with { Name = "www" }, Ssh] },
    };

    public static TheoryData<string, TunnelReport[]> Stays => new()
    {
        { "same", [Web, Ssh] },
        { "reordered", [Ssh, Web] },
        { "check", [Web with { Check = new TunnelCheck { Outcome = CheckOutcomes.UpstreamDown, Code = "ERR_NGROK_8012", HttpStatus = 502 } }, Ssh] },
    };

    [Theory]
    [MemberData(nameof(Moves))]
    public void MovesTunnels_AnotherTunnel_TrueAndTheFingerprintChanges(string change, TunnelReport[] reported)
    {
        Assert.True(Stored().MovesTunnels(Detector, reported), change);
        Assert.NotEqual(TunnelFingerprint.Of([Web, Ssh]), TunnelFingerprint.Of(reported));
    }

    [Theory]
    [MemberData(nameof(Stays))]
    public void MovesTunnels_SameTunnelsOrOnlyAChangedCheck_False(string change, TunnelReport[] reported) =>
        Assert.False(Stored().MovesTunnels(Detector, reported), change);

    [Fact]
    public void MovesTunnels_UnknownDetector_OnlyWhenItReportsTunnels()
    {
        var changes = new TunnelChanges([]);

        Assert.False(changes.MovesTunnels(Detector, []));
        Assert.True(changes.MovesTunnels(Detector, [Web]));
    }

    [Fact]
    public void MovesTunnels_AfterApply_ComparesWithTheReplayedTunnels()
    {
        var changes = Stored();
        TunnelReport[] moved = [Web with { Url = "https://cd34.ngrok-free.app" }, Ssh];

        changes.Apply(Detector, moved, DateTimeOffset.UnixEpoch, []);

        Assert.False(changes.MovesTunnels(Detector, moved));
        Assert.True(changes.MovesTunnels(Detector, [Web, Ssh]));
    }

    private static TunnelChanges Stored() => new([Row(Web), Row(Ssh)]);

    private static TunnelRecord Row(TunnelReport t) => new()
    {
        DetectorId = Detector, Name = t.Name, Url = t.Url, Proto = t.Proto, Upstream = t.Upstream, StartedAt = t.StartedAt,
    };
}
