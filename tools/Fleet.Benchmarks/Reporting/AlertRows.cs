namespace Fleet.Benchmarks.Reporting;

/// <summary>
/// The alert storm's rows (issue 15): the time from the storm to the last grouped alert next to damping + 10 s (the
/// damping configured in the same run), the deliveries next to the sites (one grouped alert each is expected), the
/// API's peak RSS during the storm next to its RSS before, and the ingest rate while a storm's alerts are processed
/// next to the rate without, measured before and after (≥ 90 %).
/// </summary>
internal static class AlertRows
{
    private const string Scenario = "alerts";

    public static IEnumerable<TableRow> Build(IReadOnlyList<RunRecord> records)
    {
        var runs = records.Where(r => r.Scenario == Scenario).ToList();
        if (runs.Count == 0)
        {
            yield break;
        }

        Stat? S(string key) => Stat.Of(runs.Select(r => r[key]));
        string F(Stat? stat, string format, string unit = "") => ResultsTable.Fmt(stat, format, unit);

        var last = S("storm.lastAlertSeconds");
        var target = S("targetSeconds");
        var incomplete = runs.Count(r => r["storm.lastAlertSeconds"] is null && r["storm.detectorsInNotices"] is not null);
        yield return new TableRow(
            $"Alerts: {F(S("fleet"), "0")} detectors lost at once → last grouped alert received (rule: lost for {F(S("dampingSeconds"), "0", " s")}, by tag, window {F(S("groupWindowSeconds"), "0", " s")})",
            F(last, "0.0", " s") + $" (all shown lost after {F(S("storm.lostSeconds"), "0.0", " s")})"
                + (incomplete == 0 ? string.Empty : $"; {incomplete} run(s) incomplete: {F(S("storm.detectorsInNotices"), "0")} detectors in notices"),
            $"damping + 10 s = {F(target, "0", " s")} (damping configured in this run)",
            last is null || target is null ? ResultsTable.None : ResultsTable.Pct(Stat.Of(runs.Select(r => r["storm.lastAlertSeconds"] / r["targetSeconds"]))),
            "≤ damping + 10 s",
            incomplete > 0 ? "missed (incomplete)"
            : last is null || target is null ? "not measured"
            : last.Median <= target.Median ? "met" : $"missed by {last.Median - target.Median:0.0} s");

        var deliveries = S("storm.deliveries");
        var sites = S("sites");
        yield return new TableRow(
            "Alerts: webhook deliveries for the storm (fired; recovered when the fleet is back)",
            $"{F(deliveries, "0")} fired ({F(S("storm.distinctNotices"), "0")} distinct, {F(S("storm.groups"), "0")} groups, naming {F(S("storm.detectorsInNotices"), "0")} detectors); " +
                $"{F(S("recovered.deliveries"), "0")} recovered",
            $"{F(sites, "0")} site tags: {F(sites, "0")} grouped alerts expected (one per site), against {F(S("fleet"), "0")} ungrouped",
            deliveries is null || sites is null ? ResultsTable.None : $"{deliveries.Median / sites.Median:0.0}× the sites",
            "far fewer than the detectors",
            deliveries is null || sites is null ? "not measured" : deliveries.Median <= sites.Median * 2 ? "met" : "missed: not grouped");

        var ratio = S("rssRatio");
        yield return new TableRow(
            "Alerts: API peak RSS during the storm (VmHWM reset + RSS sampled every 100 ms)",
            F(S("rssPeakMb"), "0", " MB"),
            $"{F(S("rssBeforeMb"), "0", " MB")} before the storm (fleet online, idle)",
            ratio is null ? ResultsTable.None : ratio.Format("0.00", "×"),
            "bounded",
            "informational");

        var reference = Stat.Of(runs.Select(Reference));
        var onRatio = Stat.Of(runs.Select(r => r["ingestOnRate"] is { } on && Reference(r) is { } off && off > 0 ? on / off : (double?)null));
        yield return new TableRow(
            "Alerts: ingest end to end while a storm's wills and alerts are processed (state msg/s committed)",
            F(S("ingestOnRate"), "0") + $" (that storm: last alert {F(S("load.lastAlertSeconds"), "0.0", " s")}, {F(S("load.deliveries"), "0")} deliveries, {F(S("load.lostShown"), "0")} shown lost)",
            $"{F(reference, "0")} without a storm (mean of before and after, same fleet, same run: {F(S("ingestOffRate"), "0")} and {F(S("ingestOffAfterRate"), "0")})",
            ResultsTable.Pct(onRatio),
            "≥ 90% of the rate without",
            onRatio is null ? "not measured" : onRatio.Median >= 0.9 ? "met" : $"missed by {(0.9 - onRatio.Median) * 100:0} points");
    }

    /// <summary>The reference brackets the storm: the mean of the ingest without it before and after.</summary>
    private static double? Reference(RunRecord r) => r["ingestOffRate"] is { } before
        ? r["ingestOffAfterRate"] is { } after ? (before + after) / 2 : before
        : null;
}
