using System.Globalization;

namespace Fleet.Benchmarks.Reporting;

/// <summary>
/// Issue 18's rows: reads against a same-run static endpoint serving the API's own bodies from memory and against the
/// issue's baseline, both read paths side by side, freshness across two instances, CPU per ingested message per process,
/// and the API's memory with 100,000 detectors in its registry.
/// </summary>
internal static class RegistryRows
{
    /// <summary>
    /// `GET /detectors?limit=100` on this 2-core machine before the registry: ~740 req/s (issue 18, "Reads near the
    /// machine's limit", first paragraph). The target is 5× this.
    /// </summary>
    public const double TodayListRps = 740;

    public static IEnumerable<TableRow> Build(IReadOnlyList<RunRecord> records)
    {
        IEnumerable<RunRecord> Of(string scenario) => records.Where(r => r.Scenario == scenario);
        Stat? S(string scenario, string key) => Stat.Of(Of(scenario).Select(r => r[key]));
        Stat? Ratio(string scenario, string value, string ceiling) =>
            Stat.Of(Of(scenario).Select(r => r[value] is { } v && r[ceiling] is { } c && c > 0 ? v / c : (double?)null));
        string F(Stat? stat, string format, string unit = "") => ResultsTable.Fmt(stat, format, unit);
        string Rps(string scenario, string key) => $"{F(S(scenario, $"{key}.rps"), "0")}; p50/p99 {F(S(scenario, $"{key}.p50Ms"), "0.0")}/{F(S(scenario, $"{key}.p99Ms"), "0.0")} ms";

        if (Of("reads").Any())
        {
            var list = Ratio("reads", "list.rps", "staticList.rps");
            yield return new TableRow(
                "Reads: GET /detectors?limit=100 vs the same JSON from memory (req/s)",
                Rps("reads", "list"),
                $"{Rps("reads", "staticList")} (Kestrel serving the API's own body, no database)",
                ResultsTable.Pct(list), "≥ 50% of the static endpoint", AtLeast(list, 0.5));
            var today = Stat.Of(Of("reads").Select(r => r["list.rps"] / TodayListRps));
            yield return new TableRow(
                "Reads: GET /detectors?limit=100 vs before the registry",
                F(S("reads", "list.rps"), "0", " req/s"),
                $"{TodayListRps:0} req/s (issue 18's baseline, not this run)",
                ResultsTable.Times(today), "≥ 5× the baseline", today is null ? "not measured" : today.Median >= 5 ? "met" : $"missed: {today.Median:0.00}× of 5×");
            var one = Ratio("reads", "one.rps", "staticOne.rps");
            yield return new TableRow(
                "Reads: GET /detectors/{id} vs the same JSON from memory (req/s)",
                Rps("reads", "one"),
                $"{Rps("reads", "staticOne")} (the API's own body, from memory)",
                ResultsTable.Pct(one), "≥ 50% of the static endpoint", AtLeast(one, 0.5));
            foreach (var (path, key, ceiling) in new[] { ("GET /detectors?limit=100", "dbList", "ceilingList"), ("GET /detectors/{id}", "dbOne", "ceilingOne") })
            {
                yield return new TableRow(
                    $"Reads with Detectors:ReadFrom=Database: {path} (req/s)",
                    Rps("reads", key),
                    $"{F(S("reads", $"{ceiling}.rps"), "0")} (bare Npgsql, the API's statements)",
                    ResultsTable.Times(Ratio("reads", $"{key}.rps", $"{ceiling}.rps")), ResultsTable.None, "informational (today's path, second process)");
            }
        }

        if (Of("cross").Any())
        {
            var p99 = S("cross", "p99Ms");
            yield return new TableRow(
                $"Freshness across instances: PATCH on B → GET on A, p50/p99/max (background {F(S("cross", "backgroundCommittedRate"), "0")} of {F(S("cross", "backgroundOfferedRate"), "0")} state msg/s committed on B)",
                $"{F(S("cross", "p50Ms"), "0.0")}/{F(p99, "0.0")}/{F(S("cross", "maxMs"), "0.0")} ms over {F(S("cross", "samples"), "0")} changes",
                $"one GET on A: p50 {F(S("cross", "pollP50Ms"), "0.0")} ms (the floor: a change visible at once still costs a round trip); timed to the showing GET's send: p50/p99 {F(S("cross", "sentP50Ms"), "0.0")}/{F(S("cross", "sentP99Ms"), "0.0")} ms", ResultsTable.None, "p99 ≤ 50 ms",
                p99 is null ? "not measured" : p99.Median <= 50 ? "met" : $"missed by {p99.Median - 50:0} ms");

            // The same window seen from A's registry (its /metrics): queueing vs reading, next to the end-to-end figures.
            string Ms(string key) => $"mean {F(S("cross", $"registry.{key}MeanMs"), "0.0")}, p50/p99 ≈ {F(S("cross", $"registry.{key}P50Ms"), "0.0")}/{F(S("cross", $"registry.{key}P99Ms"), "0.0")} ms";
            yield return new TableRow(
                "Freshness across instances, A's registry steps in the same window: queue wait (NOTIFY received → step start) / step (re-read + publish)",
                $"queue wait {Ms("queueWait")} over {F(S("cross", "registry.queueWaitCount"), "0")} notifications; step {Ms("step")} over {F(S("cross", "registry.stepCount"), "0")} steps, of which reading the rows and serialising them {Ms("read")} ({F(S("cross", "registry.rereadsPerStep"), "0.0")} ids re-read per step; in steps {ResultsTable.Pct(S("cross", "registry.stepBusy"))} of the window)",
                $"end to end p50/p99 {F(S("cross", "p50Ms"), "0.0")}/{F(p99, "0.0")} ms (the row above; the rest is NOTIFY delivery and the GET)",
                ResultsTable.None, ResultsTable.None, "informational (fleet_registry_* on A's /metrics; p50/p99 interpolated in the buckets)");
        }

        if (Of("ingest").Any(r => r["cpu.apiUsPerMessage"] is not null))
        {
            var api = S("ingest", "cpu.apiUsPerMessage");
            var broker = S("ingest", "cpu.brokerUsPerMessage");
            var ratio = S("ingest", "cpu.apiToBroker");
            yield return new TableRow(
                "Ingest CPU: API per committed message vs Mosquitto per delivered one",
                F(api, "0", " µs"),
                $"{F(broker, "0", " µs")} (Mosquitto, same window)",
                ResultsTable.Times(ratio), "≤ 1.0× the broker's",
                ratio is null ? "not measured" : ratio.Median <= 1 ? "met" : $"missed: {ratio.Median:0.00}×");
            yield return new TableRow(
                "Ingest CPU, every process (µs per message, /proc utime+stime over the end-to-end window)",
                $"API {F(api, "0")}/committed, Mosquitto {F(broker, "0")}/delivered ({F(S("ingest", "cpu.brokerUsPerPublished"), "0")}/published), PostgreSQL {F(S("ingest", "cpu.postgresUsPerMessage"), "0")}/committed, fleet-sim {F(S("ingest", "cpu.simUsPerMessage"), "0")}/published",
                $"{F(S("ingest", "cpu.committed"), "0")} committed, {F(S("ingest", "cpu.delivered"), "0")} delivered",
                ResultsTable.None, ResultsTable.None, "informational (on 2 shared cores the load generator is part of the ceiling)");
        }

        if (Of("memory").Any())
        {
            var memory = S("memory", "memory.rssMb");
            yield return new TableRow(
                $"API memory, {F(S("memory", "detectors"), "#,0")} detectors (2 tunnels each) in the registry (VmRSS)",
                $"{F(memory, "0", " MB")} (ReadFrom=Memory; ready in {F(S("memory", "memory.readySeconds"), "0.0", " s")})",
                $"{F(S("memory", "database.rssMb"), "0", " MB")} with ReadFrom=Database, same data",
                $"{F(S("memory", "bytesPerDetector"), "0")} B/detector, of which {F(S("memory", "viewBytesPerDetector"), "0")} B of serialised view",
                "≤ 300 MB RSS",
                memory is null ? "not measured" : memory.Median <= 300 ? "met" : $"missed by {(memory.Median - 300).ToString("0", CultureInfo.InvariantCulture)} MB");
        }
    }

    private static string AtLeast(Stat? ratio, double target) =>
        ratio is null ? "not measured" : ratio.Median >= target ? "met" : $"missed by {(target - ratio.Median) * 100:0} points";
}
