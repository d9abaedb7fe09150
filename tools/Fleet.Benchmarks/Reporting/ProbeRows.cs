namespace Fleet.Benchmarks.Reporting;

/// <summary>
/// The probe scenario's rows (issue 13): the API's CPU and memory with probing next to the same API without it, the
/// time from an endpoint going down to `unreachable` next to interval + timeout + 1 s, and the ingest rate with probing
/// next to the rate without it, measured before and after (≥ 90 %).
/// </summary>
internal static class ProbeRows
{
    private const string Scenario = "probe";

    public static IEnumerable<TableRow> Build(IReadOnlyList<RunRecord> records)
    {
        var runs = records.Where(r => r.Scenario == Scenario).ToList();
        if (runs.Count == 0)
        {
            yield break;
        }

        Stat? S(string key) => Stat.Of(runs.Select(r => r[key]));
        string F(Stat? stat, string format, string unit = "") => ResultsTable.Fmt(stat, format, unit);

        var cpuOn = S("on.cpuPercent");
        var cpuOff = S("off.cpuPercent");
        yield return new TableRow(
            $"Probe: API CPU, {F(S("fleet"), "0")} detectors (2 URLs each) probed every {F(S("intervalSeconds"), "0", " s")}",
            $"{F(cpuOn, "0.0", " % of a core")}; {F(S("on.probesPerSecond"), "0")} probes/s done of {F(S("probesNeededPerSecond"), "0")} needed",
            $"{F(cpuOff, "0.0", " %")} without probing (same fleet, same run)",
            Points(S("on.cpuPercent"), S("off.cpuPercent")),
            "informational (the issue sets no CPU target)",
            "informational");
        yield return new TableRow(
            "Probe: API memory while probing (RSS, mean over the interval)",
            $"{F(S("on.rssMeanMb"), "0", " MB")} (max {F(S("on.rssMaxMb"), "0", " MB")})",
            $"{F(S("off.rssMeanMb"), "0", " MB")} (max {F(S("off.rssMaxMb"), "0", " MB")}) without probing",
            Points(S("on.rssMeanMb"), S("off.rssMeanMb"), " MB"),
            "bounded",
            "informational");

        yield return new TableRow(
            "Probe: first round after the API's start (every online detector probed and stored)",
            F(S("firstRoundSeconds"), "0", " s"),
            ResultsTable.None,
            ResultsTable.None,
            $"one interval ({F(S("intervalSeconds"), "0", " s")}) plus the start",
            "informational");

        var max = S("downMaxSeconds");
        var target = S("downTargetSeconds");
        yield return new TableRow(
            $"Probe: endpoint down → `unreachable` in GET /detectors ({F(S("downCount"), "0")} endpoints closed)",
            $"p50 {F(S("downP50Seconds"), "0.0", " s")}, p99 {F(S("downP99Seconds"), "0.0", " s")}, max {F(max, "0.0", " s")}",
            ResultsTable.None,
            ResultsTable.None,
            $"every one ≤ interval + timeout + 1 s = {F(target, "0", " s")}",
            max is null || target is null ? "not measured" : max.Median <= target.Median ? "met" : $"missed by {max.Median - target.Median:0.0} s");

        // The reference brackets the run with probing: the mean of the ingest without probing before and after it.
        var reference = Stat.Of(runs.Select(r => r["ingestOffRate"] is { } before
            ? r["ingestOffAfterRate"] is { } after ? (before + after) / 2 : before
            : (double?)null));
        var ratio = Stat.Of(runs.Select(r => r["ingestOnRate"] is { } on && r["ingestOffRate"] is { } before && before > 0
            ? on / (r["ingestOffAfterRate"] is { } after ? (before + after) / 2 : before)
            : (double?)null));
        yield return new TableRow(
            "Probe: ingest end to end with probing on (state msg/s committed)",
            F(S("ingestOnRate"), "0"),
            $"{F(reference, "0")} without probing (mean of before and after, same fleet, same run: {F(S("ingestOffRate"), "0")} and {F(S("ingestOffAfterRate"), "0")})",
            ResultsTable.Pct(ratio),
            "≥ 90% of the rate without probing",
            ratio is null ? "not measured" : ratio.Median >= 0.9 ? "met" : $"missed by {(0.9 - ratio.Median) * 100:0} points");
    }

    private static string Points(Stat? on, Stat? off, string unit = " points") =>
        on is null || off is null ? ResultsTable.None : $"{(on.Median - off.Median >= 0 ? "+" : string.Empty)}{on.Median - off.Median:0.0}{unit}";
}
