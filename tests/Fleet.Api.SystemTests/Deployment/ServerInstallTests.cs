namespace Fleet.Api.SystemTests.Deployment;

/// <summary>
/// infra/server/install.sh (the API behind Caddy on a VM without Docker) in its sandbox: infra/server/test-install.sh
/// runs it under FLEET_ROOT (dry run, install, second run, upgrade, lab, PostgreSQL, refusals) and validates the
/// Caddyfile it writes with the real caddy.
/// </summary>
public sealed class ServerInstallTests
{
    [Fact]
    public async Task ServerInstaller_InASandbox_PassesEveryCheck()
    {
        _ = DeploymentTools.Caddy;
        string script = Path.Combine(RepositoryPaths.Root, "infra", "server", "test-install.sh");

        var (exitCode, output, error) = await ChildProcess.RunAsync("bash", [script], TimeSpan.FromMinutes(2), RepositoryPaths.Root);

        Assert.True(exitCode == 0, $"{script} exited with {exitCode}:{Environment.NewLine}{output}{Environment.NewLine}{error}");
        Assert.Contains("test-install.sh: all checks passed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL ", output, StringComparison.Ordinal);
    }
}
