using Fleet.Testing.Processes;

namespace Fleet.Agent.Tests.Install;

/// <summary>
/// infra/agent/install.sh (the copied-directory install) in its sandbox: infra/agent/test-install.sh runs it under
/// FLEET_ROOT and checks modes, idempotence, the ngrok take-over and every refusal. It reads its user, directories and
/// modes from layout.sh, as the .deb's maintainer scripts do.
/// </summary>
public sealed class AgentInstallerTests
{
    [Fact]
    public async Task Installer_InASandbox_PassesEveryCheck()
    {
        var script = Path.Combine(RepositoryPaths.Root, "infra", "agent", "test-install.sh");

        var (exitCode, output, error) = await ChildProcess.RunAsync(
            "bash", [script], TimeSpan.FromMinutes(2), RepositoryPaths.Root);

        Assert.True(exitCode == 0, $"{script} exited with {exitCode}:{Environment.NewLine}{output}{Environment.NewLine}{error}");
        Assert.Contains("test-install.sh: all checks passed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL ", output, StringComparison.Ordinal);
    }
}
