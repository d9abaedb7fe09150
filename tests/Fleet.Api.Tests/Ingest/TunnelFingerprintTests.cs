using Fleet.Api.Ingest;
using Fleet.Domain.Messages;

namespace Fleet.Api.Tests.Ingest;

/// <summary>
/// The fingerprint is stored (detectors.tunnels_hash): a new way of computing it must give the same value for the same
/// tunnels, or the first heartbeat of every detector after an upgrade rewrites its tunnels. The expected values were
/// computed by the first implementation (string, then UTF-8, then SHA-256).
/// </summary>
public sealed class TunnelFingerprintTests
{
    private static readonly TunnelReport Web = new()
    {
        Name = "web", Url = "https://ab12.ngrok-free.app", Proto = "https", Upstream = "http://localhost:8080",
        StartedAt = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero),
        Check = new TunnelCheck { Outcome = CheckOutcomes.UpstreamDown, Code = "ERR_NGROK_8012", HttpStatus = 502 },
    };

    private static readonly TunnelReport Ssh = new() { Name = "ssh", Url = "tcp://0.tcp.eu.ngrok.io:12345", Proto = "tcp" };

    // Not ASCII, and long enough to need more than one buffer of any small first guess.
    private static readonly TunnelReport Long = new() { Name = "überlang-✓", Url = "https://" + new string('x', 1500) + ".example.org", Proto = "https" };

    public static TheoryData<string, TunnelReport[], string> Known => new()
    {
        { "none", [], "e3b0c44298fc1c149afbf4c8996fb924" },
        { "two, one with a check", [Web, Ssh], "aa610d61a760a546545147f18accc6b6" },
        { "reordered", [Ssh, Web], "aa610d61a760a546545147f18accc6b6" },
        { "long, not ASCII", [Long, Ssh], "1008162b30cde5851fbe45804c8c2500" },
    };

    [Theory]
    [MemberData(nameof(Known))]
    public void Of_KnownTunnels_SameValueAsTheStoredFingerprints(string tunnels, TunnelReport[] reported, string expected)
    {
        var fingerprint = TunnelFingerprint.Of(reported);

        Assert.True(fingerprint == expected, $"{tunnels}: {fingerprint}, expected {expected}");
    }
}
