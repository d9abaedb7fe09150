using Fleet.Api.SystemTests.EndToEnd;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults;

internal static class AgentOutput
{
    /// <summary>Runs a test body; when it fails, the agents' last lines go to the test output (they say why).</summary>
    public static async Task OnFailureAsync(ITestOutputHelper output, Func<Task> body, params Func<AgentProcess?>[] agents)
    {
        try
        {
            await body();
        }
        catch
        {
            foreach (var agent in agents.Select(a => a()).OfType<AgentProcess>())
            {
                var lines = agent.Output.Split('\n');
                output.WriteLine($"--- last lines of agent pid {agent.ProcessId} ({agent.WorkDirectory}) ---");
                output.WriteLine(string.Join('\n', lines.TakeLast(60)));
            }

            throw;
        }
    }
}
