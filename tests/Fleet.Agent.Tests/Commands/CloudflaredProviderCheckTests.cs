using Fleet.Agent.Commands;
using Fleet.Agent.Configuration;
using Fleet.Agent.Tests.Cloudflared;

namespace Fleet.Agent.Tests.Commands;

/// <summary>What `fleet-agent check` says about the cloudflared provider.</summary>
public sealed class CloudflaredProviderCheckTests
{
    private static async Task<(bool Ok, List<(string What, string? Problem)> Lines)> CheckAsync(string binary)
    {
        var options = new AgentOptions { DetectorId = "pi-1", Provider = "cloudflared", Cloudflared = new CloudflaredSettings { Binary = binary } };
        List<(string What, string? Problem)> lines = [];
        var ok = await ProviderChecks.RunAsync(options, (what, problem) =>
        {
            lines.Add((what, problem));
            return problem is null;
        });
        return (ok, lines);
    }

    [Fact]
    public async Task Check_CloudflaredBinaryMissing_FailsNamingTheBinaryAndHowToInstallIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), "fleet-no-such-dir-" + Guid.NewGuid().ToString("N"), "cloudflared");

        var (ok, lines) = await CheckAsync(missing);

        Assert.False(ok);
        var (what, problem) = Assert.Single(lines);
        Assert.Contains(missing, what, StringComparison.Ordinal);
        Assert.StartsWith("does not exist", problem, StringComparison.Ordinal);
        Assert.Contains("Cloudflare's Debian repository", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_CloudflaredNotOnPath_SaysSo()
    {
        var (ok, lines) = await CheckAsync("cloudflared-" + Guid.NewGuid().ToString("N"));

        Assert.False(ok);
        Assert.StartsWith("not found on PATH", Assert.Single(lines).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_CloudflaredBinaryPresent_Passes()
    {
        var (ok, lines) = await CheckAsync(FakeCloudflared.BinaryPath);

        Assert.True(ok);
        Assert.Null(Assert.Single(lines).Problem);
    }
}
