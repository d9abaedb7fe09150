using Fleet.Testing.Processes;

namespace Fleet.Agent.Tests.Install;

/// <summary>
/// The amd64 .deb of the real agent: infra/agent/publish.sh linux-x64 (self-contained, trimmed, single file, as for
/// arm64) into a temporary directory, which also builds the package, then infra/agent/test-deb.sh on that publish:
/// lintian without errors, install, upgrade, remove, purge in a fresh root, and the installed /usr/bin/fleet-agent runs.
/// One publish for the class (it takes a minute or more on two cores), hence the long suite.
/// </summary>
[Trait("Suite", "Long")]
public sealed class DebPackagePublishedTests
{
    [Fact]
    public async Task DebPackage_OfThePublishedAgent_PassesLintianAndEveryDpkgCheck()
    {
        _ = ServerProcess.FindTool("lintian", "lintian");
        var artifacts = Directory.CreateTempSubdirectory("fleet-deb-");
        try
        {
            var publish = Path.Combine(RepositoryPaths.Root, "infra", "agent", "publish.sh");
            var (exitCode, output, error) = await ChildProcess.RunAsync(
                "env",
                [$"FLEET_ARTIFACTS={artifacts.FullName}", "FLEET_DEB_COMPRESSION=gzip", "bash", publish, "linux-x64"],
                TimeSpan.FromMinutes(10),
                RepositoryPaths.Root);
            Assert.True(exitCode == 0, $"publish.sh exited with {exitCode}:{Environment.NewLine}{output}{Environment.NewLine}{error}");
            Assert.Single(Directory.GetFiles(artifacts.FullName, "fleet-agent_*_amd64.deb"));

            (exitCode, output, error) = await DebScripts.RunAsync([Path.Combine(artifacts.FullName, "linux-x64")], TimeSpan.FromMinutes(5));

            DebScripts.AssertAllPassed(exitCode, output, error);
            Assert.Contains("ok    lintian reports no error", output, StringComparison.Ordinal);
            Assert.Contains("ok    the installed agent runs (fleet-agent version)", output, StringComparison.Ordinal);
        }
        finally
        {
            artifacts.Delete(recursive: true);
        }
    }
}
