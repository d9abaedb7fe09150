using Fleet.Testing.Processes;

namespace Fleet.Agent.Tests.Tunnels;

/// <summary>
/// infra/relay/install.sh in its sandbox: infra/relay/test-install.sh runs it under FLEET_ROOT (dry run, setup, second
/// run, add-key, re-key, remove-key, refusals) and checks the drop-in with the real `sshd -t`.
/// </summary>
public sealed class RelayInstallTests
{
    [Fact]
    public async Task RelayInstaller_InASandbox_PassesEveryCheck()
    {
        _ = ServerProcess.FindTool("sshd", "openssh-server");
        var script = Path.Combine(RepositoryPaths.Root, "infra", "relay", "test-install.sh");

        var (exitCode, output, error) = await ChildProcess.RunAsync("bash", [script], TimeSpan.FromMinutes(2), RepositoryPaths.Root);

        Assert.True(exitCode == 0, $"{script} exited with {exitCode}:{Environment.NewLine}{output}{Environment.NewLine}{error}");
        Assert.Contains("test-install.sh: all checks passed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL ", output, StringComparison.Ordinal);
    }
}
