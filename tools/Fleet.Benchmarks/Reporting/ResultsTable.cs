using System.Globalization;

namespace Fleet.Benchmarks.Reporting;

/// <summary>The results table: medians (min-max) over the runs, same-run ratios to the ceilings, targets of issue 6 (and later issues' rows).</summary>
internal static class ResultsTable
{
    internal const string None = "—";

    public static List<TableRow> Build(IReadOnlyList<RunRecord> records)
    {
        var rows = new List<TableRow>();
        IEnumerable<RunRecord> Of(string scenario) => records.Where(r => r.Scenario == scenario);
        Stat? S(string scenario, string key) => Stat.Of(Of(scenario).Select(r => r[key]));
        Stat? Ratio(string scenario, string value, string ceiling) =>
            Stat.Of(Of(scenario).Select(r => r[value] is { } v && r[ceiling] is { } c && c > 0 ? v / c : (double?)null));

        // Ingest
        var e2e = S("ingest", "e2eRate");
        var broker = S("ingest", "brokerCeilingRate");
        var upsert = S("ingest", "upsertCeilingRate");
        var brokerRatio = Ratio("ingest", "e2eRate", "brokerCeilingRate");
        rows.Add(new TableRow(
            $"Ingest, end to end (state msg/s committed to PostgreSQL; {(S("ingest", "e2eWarmupSeconds") is { } warm ? $"after a {Fmt(warm, "0", " s")} warm-up of the same load" : "no warm-up")})",
            Fmt(e2e, "0"),
            broker is null ? None : $"{Fmt(broker, "0")} (broker → counting subscriber)",
            Pct(brokerRatio),
            "≥ 60% of the broker-only ceiling",
            brokerRatio is null ? "not measured" : brokerRatio.Median >= 0.6 ? "met" : $"missed by {(0.6 - brokerRatio.Median) * 100:0} points"));
        rows.Add(new TableRow(
            "Ingest vs the database alone",
            Fmt(e2e, "0"),
            upsert is null ? None : $"{Fmt(upsert, "0")} (batched guarded upsert, no MQTT)",
            Pct(Ratio("ingest", "e2eRate", "upsertCeilingRate")),
            None,
            "informational"));

        // Freshness
        var p50 = S("freshness", "p50Ms");
        var p99 = S("freshness", "p99Ms");
        var background = S("freshness", "backgroundCommittedRate");
        rows.Add(new TableRow("Freshness p50 (URL change → GET /detectors/{id})", Fmt(p50, "0.0", " ms"), None, None, None, "informational"));
        rows.Add(new TableRow(
            $"Freshness p99 (background {Fmt(background, "0")} state msg/s committed)",
            Fmt(p99, "0.0", " ms"), None, None, "p99 ≤ 250 ms",
            p99 is null ? "not measured" : p99.Median <= 250 ? "met" : $"missed by {p99.Median - 250:0} ms"));

        // Reconnect storm
        var storm = S("storm", "visibleSeconds");
        var fleet = S("storm", "fleet");
        var peak = S("storm", "apiPeakRssMb");
        var rssBefore = S("storm", "apiRssBeforeMb");
        var timedOut = Of("storm").Where(r => r["visibleSeconds"] is null && r["visibleAtTimeout"] is not null).ToList();
        var stormResult = Fmt(storm, "0.00", " s")
            + (timedOut.Count == 0 ? string.Empty : string.Join(string.Empty, timedOut.Select(r => $"; run {r.Run}: > {r["timeoutSeconds"]:0} s ({r["visibleAtTimeout"]:0} of {r["fleet"]:0} visible)")));
        rows.Add(new TableRow(
            $"Reconnect storm: {Fmt(fleet, "0")} detectors connect at once, all visible",
            stormResult, None, None, "≤ 15 s for 10,000",
            timedOut.Count > 0 ? "missed (timed out)"
            : storm is null ? "not measured"
            : (storm.Median <= 15 ? "met" : $"missed by {storm.Median - 15:0.0} s")
                + (fleet?.Median >= 10000 ? string.Empty : $" (with {fleet?.Median:0} detectors; the target is for 10,000)")));
        rows.Add(new TableRow(
            "Reconnect storm: API peak RSS",
            Fmt(peak, "0", " MB"), rssBefore is null ? None : $"{Fmt(rssBefore, "0", " MB")} before the storm", None, "bounded",
            "informational"));

        // Reads
        var listRatio = Ratio("reads", "list.rps", "ceilingList.rps");
        rows.Add(new TableRow(
            "Reads: GET /detectors?limit=100 (req/s)",
            $"{Fmt(S("reads", "list.rps"), "0")}; p50/p99 {Fmt(S("reads", "list.p50Ms"), "0.0")}/{Fmt(S("reads", "list.p99Ms"), "0.0")} ms",
            $"{Fmt(S("reads", "ceilingList.rps"), "0")}; p50/p99 {Fmt(S("reads", "ceilingList.p50Ms"), "0.0")}/{Fmt(S("reads", "ceilingList.p99Ms"), "0.0")} ms (bare Kestrel + Npgsql, the API's statements)",
            Times(listRatio),
            "≥ 1.0× the bare endpoint",
            listRatio is null ? "not measured" : listRatio.Median >= 1 ? "met" : $"missed: {(1 - listRatio.Median) * 100:0}% slower"));
        var one304 = S("reads", "one304.rps");
        rows.Add(new TableRow(
            "Reads: GET /detectors/{id} (req/s)",
            $"{Fmt(S("reads", "one.rps"), "0")}; p50/p99 {Fmt(S("reads", "one.p50Ms"), "0.0")}/{Fmt(S("reads", "one.p99Ms"), "0.0")} ms"
                + (one304 is null ? string.Empty : $"; with If-None-Match (304) {Fmt(one304, "0")}"),
            $"{Fmt(S("reads", "ceilingOne.rps"), "0")}; p50/p99 {Fmt(S("reads", "ceilingOne.p50Ms"), "0.0")}/{Fmt(S("reads", "ceilingOne.p99Ms"), "0.0")} ms",
            Times(Ratio("reads", "one.rps", "ceilingOne.rps")),
            None,
            "informational"));
        var notModified = Ratio("reads", "list304.rps", "list.rps");
        var supported = Of("reads").Any(r => r["list304.rps"] is not null);
        rows.Add(new TableRow(
            "Reads: GET /detectors?limit=100 with If-None-Match → 304 (req/s)",
            supported ? $"{Fmt(S("reads", "list304.rps"), "0")}; p99 {Fmt(S("reads", "list304.p99Ms"), "0.0")} ms" : "no ETag support detected",
            supported ? $"{Fmt(S("reads", "list.rps"), "0")} (full page, same run)" : None,
            Times(notModified),
            "≥ 5× the full page",
            !Of("reads").Any() ? "not measured" : notModified is null ? "missed: no conditional requests" : notModified.Median >= 5 ? "met" : $"missed: {notModified.Median:0.0}× of 5×"));

        rows.AddRange(RegistryRows.Build(records));
        rows.AddRange(ProbeRows.Build(records));
        rows.AddRange(AlertRows.Build(records));

        // Agent footprint
        foreach (var (flavour, limit) in new[] { ("self-contained-trimmed", 40.0), ("native-aot", 25.0), ("framework-dependent", double.NaN) })
        {
            var mb = S("agent", $"{flavour}.peakMb");
            rows.Add(new TableRow(
                $"Agent peak memory, {flavour}", Fmt(mb, "0.0", " MB"), None, None,
                double.IsNaN(limit) ? None : $"< {limit:0} MB",
                mb is null ? "not measured" : double.IsNaN(limit) ? "informational" : mb.Median < limit ? "met" : $"missed by {mb.Median - limit:0.0} MB"));
        }

        var cpu = Stat.Of(Of("agent").Select(r => r.Values.Where(v => v.Key.EndsWith(".idleCpuPercent", StringComparison.Ordinal)).Select(v => (double?)v.Value).DefaultIfEmpty(null).Max()));
        rows.Add(new TableRow("Agent idle CPU (worst flavour)", Fmt(cpu, "0.00", " %"), None, None, "< 1 %",
            cpu is null ? "not measured" : cpu.Median < 1 ? "met" : $"missed by {cpu.Median - 1:0.00} points"));
        return rows;
    }

    public static string Markdown(IEnumerable<TableRow> rows)
    {
        var lines = new List<string>
        {
            "| scenario | result | ceiling (same run) | ratio | target | met? |",
            "|---|---|---|---|---|---|",
        };
        lines.AddRange(rows.Select(r => $"| {r.Scenario} | {r.Result} | {r.Ceiling} | {r.Ratio} | {r.Target} | {r.Verdict} |"));
        return string.Join('\n', lines);
    }

    internal static string Fmt(Stat? stat, string format, string unit = "") => stat is null ? "n/a" : stat.Format(format, unit);

    internal static string Pct(Stat? ratio) => ratio is null ? None : $"{(ratio.Median * 100).ToString("0.#", CultureInfo.InvariantCulture)}%" +
        (ratio.Count > 1 ? $" ({(ratio.Min * 100).ToString("0", CultureInfo.InvariantCulture)}–{(ratio.Max * 100).ToString("0", CultureInfo.InvariantCulture)}%)" : string.Empty);

    internal static string Times(Stat? ratio) => ratio is null ? None : ratio.Format("0.00", "×");
}
