using System.Globalization;

using Fleet.Testing.Processes;
using Fleet.Benchmarks.Reporting;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// The agent's footprint from benchmarks/agent-footprint.sh: run now (with DURATION = the idle window) or, with
/// --agent collect, read from the table that script last wrote (docs/benchmarks/agent-footprint.md).
/// </summary>
internal static class AgentFootprint
{
    public static async Task RunAsync(BenchContext context, RunRecord record)
    {
        var s = context.Settings;
        var table = Path.Combine(s.Repo, "docs", "benchmarks", "agent-footprint.md");
        if (s.AgentMode == "run")
        {
            var (exitCode, output, error) = await ChildProcess.RunAsync(
                "env", [$"DURATION={s.AgentSeconds}", "bash", Path.Combine(s.Repo, "benchmarks", "agent-footprint.sh")],
                TimeSpan.FromMinutes(15), s.Repo);
            await File.WriteAllTextAsync(Path.Combine(context.Work, "agent-footprint.log"), output + "\n" + error);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"agent-footprint.sh exited with {exitCode}: {error.Split('\n').LastOrDefault()}");
            }

            record.Notes.Add($"measured in this run by benchmarks/agent-footprint.sh (DURATION={s.AgentSeconds} s idle window per flavour)");
        }
        else
        {
            record.Notes.Add("collected from docs/benchmarks/agent-footprint.md (the table benchmarks/agent-footprint.sh wrote last; its date is in that file), not measured in this run");
        }

        if (!File.Exists(table))
        {
            throw new InvalidOperationException("docs/benchmarks/agent-footprint.md does not exist: run benchmarks/agent-footprint.sh");
        }

        // | flavour | peak memory (MB) | memory at the end (MB) | idle CPU (%) |
        foreach (var line in await File.ReadAllLinesAsync(table))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length >= 6 && double.TryParse(cells[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var peak)
                && double.TryParse(cells[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var cpu))
            {
                record.Set($"{cells[1]}.peakMb", peak);
                record.Set($"{cells[1]}.idleCpuPercent", cpu);
            }
        }

        if (record.Values.Count == 0)
        {
            throw new InvalidOperationException("no rows in docs/benchmarks/agent-footprint.md");
        }
    }
}
