namespace Fleet.Benchmarks.Reporting;

/// <summary>One line of the results table: scenario, result, its ceiling, the ratio, the target and the verdict.</summary>
internal sealed record TableRow(string Scenario, string Result, string Ceiling, string Ratio, string Target, string Verdict);
