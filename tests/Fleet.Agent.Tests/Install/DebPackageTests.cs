using Fleet.Testing.Processes;

namespace Fleet.Agent.Tests.Install;

/// <summary>
/// The .deb's packaging and maintainer scripts with a stand-in binary, in seconds: infra/agent/test-deb.sh builds two
/// versions with build-deb.sh and installs, upgrades, removes, purges and reinstalls them with the real dpkg in a fresh
/// root (dpkg --root --force-script-chrootless, so the scripts honour DPKG_ROOT). Lintian and the real published agent
/// are <see cref="DebPackagePublishedTests"/>'s (the long suite).
/// </summary>
public sealed class DebPackageTests
{
    [Fact]
    public async Task DebPackage_WithAStandInBinary_InstallsUpgradesRemovesAndPurgesInASandbox()
    {
        var (exitCode, output, error) = await DebScripts.RunAsync(["--no-lintian"], TimeSpan.FromMinutes(3));

        DebScripts.AssertAllPassed(exitCode, output, error);
        Assert.Contains("ok    upgrade keeps the edited agent.json", output, StringComparison.Ordinal);
        Assert.Contains("ok    purge leaves no fleet-agent file or directory", output, StringComparison.Ordinal);
    }
}
