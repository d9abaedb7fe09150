using Fleet.Testing.Processes;

namespace Fleet.Agent.Tests.Configuration;

/// <summary>
/// `fleet-agent run` with a setting it cannot start with: one line per problem naming the key, no stack trace, exit 1
/// (before: the host's "Hosting failed to start" with a stack trace and exit 134). The agent runs as a process.
/// </summary>
public sealed class StartupErrorTests
{
    [Theory]
    [InlineData("Agent:Heartbeat", "--Agent:Heartbeat=soon")]
    [InlineData("DetectorId", "--Agent:Provider=static")]
    public async Task Run_WithABadSetting_PrintsOneLineNamingTheKey_AndExits1(string key, string argument)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var directory = Directory.CreateTempSubdirectory("fleet-agent-start-").FullName;
        try
        {
            var config = Path.Combine(directory, "agent.json");
            await File.WriteAllTextAsync(config, "{}", timeout.Token);

            var (exitCode, output, error) = await ChildProcess.RunAsync(
                "env", [$"FLEET_AGENT_CONFIG={config}", "dotnet", RepositoryPaths.AgentAssembly, "run", argument],
                TimeSpan.FromSeconds(50), directory, timeout.Token);

            Assert.Equal(1, exitCode);
            Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
            var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(lines);
            Assert.All(lines, l => Assert.StartsWith("fleet-agent: ", l, StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains(key, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
