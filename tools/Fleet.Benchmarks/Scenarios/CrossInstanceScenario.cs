using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

using Fleet.Benchmarks.Infrastructure;
using Fleet.Benchmarks.Reporting;
using Fleet.Testing.Metrics;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// Issue 18: freshness across instances. Two API processes on one database: B ingests (the simulated fleet's background
/// load through the bench broker) and takes an operator's PATCH; A ingests nothing (<see cref="ApiServer.WithoutIngest"/>)
/// and serves reads. Latency: from B's 200 to the PATCH (committed by then) to the first GET /detectors/{id} on A that
/// shows the new name, polled without pause; one change every ~30 ms, over several detectors of the loaded fleet.
/// </summary>
internal static class CrossInstanceScenario
{
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(30);
    private const int Detectors = 10;

    public static async Task RunAsync(BenchContext context, RunRecord record)
    {
        var s = context.Settings;
        var adminKey = Secrets.New();
        var writerSettings = new Dictionary<string, string>
        {
            ["Auth__ApiKeys__1__Name"] = "bench-admin",
            ["Auth__ApiKeys__1__Role"] = "admin",
            ["Auth__ApiKeys__1__Key"] = adminKey,
        };
        context.Api = await ApiServer.StartAsync(
            s.ApiDirectory, context.FleetConnectionString, context.Broker, Path.Combine(context.Work, $"api-run{record.Run}-cross-b.log"), writerSettings);
        var b = context.Api;
        await using var a = await ApiServer.StartAsync(
            s.ApiDirectory, context.FleetConnectionString, context.Broker, Path.Combine(context.Work, $"api-run{record.Run}-cross-a.log"), ApiServer.WithoutIngest());
        Log.Line($"  B (ingest, writes) on {b.BaseUrl} (pid {b.Pid}); A (reads only) on {a.BaseUrl} (pid {a.Pid})");
        using var admin = new HttpClient { BaseAddress = new Uri(b.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        admin.DefaultRequestHeaders.Add("X-Api-Key", adminKey);

        var before = await b.CommittedAsync("state");
        await using var background = context.Sim.Start(
            [
                "run", .. context.SimConnection(s.FreshnessFleet), "--count", s.FreshnessFleet.ToString(CultureInfo.InvariantCulture),
                "--rate", s.FreshnessBackgroundRate.ToString(CultureInfo.InvariantCulture),
                "--heartbeat", s.HeartbeatSeconds.ToString(CultureInfo.InvariantCulture),
                "--url-churn", s.UrlChurn.ToString(CultureInfo.InvariantCulture),
                "--duration", (s.FreshnessSeconds + 300).ToString(CultureInfo.InvariantCulture),
                "--epoch-base", context.NextEpochBase().ToString(CultureInfo.InvariantCulture),
                "--quiet",
            ]);
        var connecting = Stopwatch.StartNew();
        while (await b.CommittedAsync("state") - before < s.FreshnessFleet && connecting.Elapsed < TimeSpan.FromSeconds(30) && !background.HasExited)
        {
            await Task.Delay(200);
        }

        // Detectors of the loaded fleet, spread over it: their rows are being written by the ingest meanwhile.
        var ids = File.ReadLines(context.CredentialsFor(s.FreshnessFleet))
            .Select(l => l.Split(',')[0].Trim())
            .Where((_, i) => i % Math.Max(1, s.FreshnessFleet / Detectors) == 0)
            .Take(Detectors)
            .ToArray();
        var latencies = new List<double>();
        var patches = new List<double>();
        var polls = new List<double>();
        var sent = new List<double>();
        var timeouts = 0;
        var startCommitted = await b.CommittedAsync("state");
        var stepsBefore = await ScrapeAsync(a);
        var window = Stopwatch.StartNew();
        var budget = TimeSpan.FromSeconds(s.FreshnessSeconds);
        for (var change = 0; change < s.CrossSamples && !background.HasExited && window.Elapsed < budget; change++)
        {
            var next = window.Elapsed + Spacing;
            var id = ids[change % ids.Length];
            var name = $"cross-{change}-{Random.Shared.Next(1_000_000):x}";
            var patchClock = Stopwatch.StartNew();
            await PatchNameAsync(admin, id, name);
            patches.Add(patchClock.Elapsed.TotalMilliseconds);
            var clock = Stopwatch.StartNew();
            var seen = false;
            while (clock.Elapsed < ChangeTimeout)
            {
                var poll = clock.Elapsed;
                var shown = await NameAsync(a.Client, id);
                polls.Add((clock.Elapsed - poll).TotalMilliseconds);
                if (shown == name)
                {
                    latencies.Add(clock.Elapsed.TotalMilliseconds);
                    sent.Add(poll.TotalMilliseconds);
                    seen = true;
                    break;
                }
            }

            if (!seen)
            {
                // Censored at the timeout: a change never seen counts as at least that slow, not as absent.
                latencies.Add(ChangeTimeout.TotalMilliseconds);
                timeouts++;
            }

            if (next > window.Elapsed)
            {
                await Task.Delay(next - window.Elapsed);
            }
        }

        var committedRate = (await b.CommittedAsync("state") - startCommitted) / window.Elapsed.TotalSeconds;
        RecordSteps(record, stepsBefore, await ScrapeAsync(a), window.Elapsed);
        await background.TerminateAsync();
        await background.WaitAsync(TimeSpan.FromSeconds(60));
        if (latencies.Count == 0)
        {
            throw new InvalidOperationException("no change was made (the background fleet stopped first)");
        }

        latencies.Sort();
        patches.Sort();
        polls.Sort();
        sent.Sort();
        record.Set("samples", latencies.Count - timeouts);
        record.Set("timeouts", timeouts);
        record.Set("p50Ms", FreshnessScenario.Percentile(latencies, 0.50));
        record.Set("p99Ms", FreshnessScenario.Percentile(latencies, 0.99));
        record.Set("maxMs", latencies[^1]);
        record.Set("patchP50Ms", FreshnessScenario.Percentile(patches, 0.50));

        // One GET on A takes this long: a change visible at once still measures about one round trip (the floor).
        record.Set("pollP50Ms", FreshnessScenario.Percentile(polls, 0.50));

        // The same changes timed to when the GET that showed them was sent: a lower bound (visible no later than then).
        if (sent.Count > 0)
        {
            record.Set("sentP50Ms", FreshnessScenario.Percentile(sent, 0.50));
            record.Set("sentP99Ms", FreshnessScenario.Percentile(sent, 0.99));
        }
        record.Set("backgroundOfferedRate", s.FreshnessBackgroundRate);
        record.Set("backgroundCommittedRate", committedRate);
        if (timeouts > 0)
        {
            record.Notes.Add($"cross-instance: {timeouts} of {latencies.Count} changes not visible on A within {ChangeTimeout.TotalSeconds:0} s; counted as {ChangeTimeout.TotalMilliseconds:0} ms");
        }

        Log.Line($"  cross-instance: p50 {record["p50Ms"]:0.0} ms, p99 {record["p99Ms"]:0.0} ms, max {record["maxMs"]:0.0} ms over {latencies.Count} changes " +
            $"({timeouts} timeouts; PATCH p50 {record["patchP50Ms"]:0.0} ms, GET on A p50 {record["pollP50Ms"]:0.0} ms), background {committedRate:0} of {s.FreshnessBackgroundRate} state msg/s committed");
    }

    private static async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(ApiServer api) =>
        PrometheusText.Parse(await api.Client.GetStringAsync("/metrics"));

    /// <summary>
    /// A's registry steps over the same window (its /metrics before and after): how long B's commits waited in A's step
    /// queue once notified, and how long A's steps took (re-read + publish), beside the end-to-end figures. What is left
    /// of the end-to-end time is PostgreSQL delivering the NOTIFY and the GET's round trip.
    /// </summary>
    private static void RecordSteps(RunRecord record, IReadOnlyList<PrometheusSample> before, IReadOnlyList<PrometheusSample> after, TimeSpan elapsed)
    {
        record.Set("windowSeconds", elapsed.TotalSeconds);
        foreach (var (key, name) in new[] { ("queueWait", "fleet_registry_queue_wait_seconds"), ("step", "fleet_registry_step_duration_seconds"), ("read", "fleet_registry_step_read_seconds") })
        {
            var window = PrometheusHistogram.Of(after, name).Since(PrometheusHistogram.Of(before, name));
            record.Set($"registry.{key}Count", window.Count);
            record.Set($"registry.{key}Seconds", window.Sum);
            if (window.Mean is { } mean)
            {
                record.Set($"registry.{key}MeanMs", mean * 1000);
                record.Set($"registry.{key}P50Ms", (window.Quantile(0.50) ?? double.NaN) * 1000);
                record.Set($"registry.{key}P99Ms", (window.Quantile(0.99) ?? double.NaN) * 1000);
            }
        }

        var rereads = after.Sum("fleet_registry_rereads_total") - before.Sum("fleet_registry_rereads_total");
        record.Set("registry.rereads", rereads);
        record.Set("registry.skipped", after.Sum("fleet_registry_notifications_skipped_total") - before.Sum("fleet_registry_notifications_skipped_total"));
        if (record["registry.stepCount"] is { } steps and > 0)
        {
            record.Set("registry.rereadsPerStep", rereads / steps);
        }

        // The share of the window A's step loop spent in steps: near 1, a notification mostly waits for the step in progress.
        record.Set("registry.stepBusy", (record["registry.stepSeconds"] ?? double.NaN) / elapsed.TotalSeconds);

        Log.Line($"  A's registry steps: queue wait mean {record["registry.queueWaitMeanMs"]:0.0} ms, p99 ≈ {record["registry.queueWaitP99Ms"]:0.0} ms " +
            $"({record["registry.queueWaitCount"]:0} notifications); step mean {record["registry.stepMeanMs"]:0.0} ms, p99 ≈ {record["registry.stepP99Ms"]:0.0} ms " +
            $"(of which reading mean {record["registry.readMeanMs"]:0.0} ms, p99 ≈ {record["registry.readP99Ms"]:0.0} ms; {record["registry.stepCount"]:0} steps, {rereads:0} ids re-read, {record["registry.rereadsPerStep"]:0.0} per step, {record["registry.skipped"]:0} skipped); " +
            $"in steps {record["registry.stepBusy"]:P0} of the {elapsed.TotalSeconds:0.0} s window");
    }

    private static async Task PatchNameAsync(HttpClient admin, string id, string name)
    {
        using var content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = name }), Encoding.UTF8, "application/merge-patch+json");
        using var response = await admin.PatchAsync($"/detectors/{id}", content);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PATCH /detectors/{id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task<string?> NameAsync(HttpClient client, string id)
    {
        var view = await client.GetFromJsonAsync<JsonElement>($"/detectors/{id}");
        return view.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
    }
}
