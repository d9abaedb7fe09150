using Fleet.Testing.Processes;

namespace Fleet.Agent.Tests.Install;

/// <summary>Runs infra/agent/test-deb.sh, which needs dpkg, lintian and useradd, and root (see the script).</summary>
internal static class DebScripts
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        _ = ServerProcess.FindTool("dpkg-deb", "dpkg");
        _ = ServerProcess.FindTool("useradd", "passwd");
        var script = Path.Combine(RepositoryPaths.Root, "infra", "agent", "test-deb.sh");
        return ChildProcess.RunAsync("bash", [script, .. arguments], timeout, RepositoryPaths.Root);
    }

    public static void AssertAllPassed(int exitCode, string output, string error)
    {
        Assert.True(exitCode == 0, $"test-deb.sh exited with {exitCode}:{Environment.NewLine}{output}{Environment.NewLine}{error}");
        Assert.Contains("test-deb.sh: all checks passed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL ", output, StringComparison.Ordinal);
    }
}
