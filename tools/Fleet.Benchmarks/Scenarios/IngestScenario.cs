using System.Globalization;
using System.Text.Json;

using Fleet.Benchmarks.Infrastructure;
using Fleet.Benchmarks.Reporting;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// Ingest throughput, end to end (fleet-sim run -> Mosquitto -> API -> PostgreSQL), and its two ceilings in the same
/// run: the broker delivering the same load to fleet-sim count, and the batched guarded upsert with no MQTT.
/// </summary>
internal static class IngestScenario
{
    private static readonly TimeSpan DrainQuiet = TimeSpan.FromSeconds(3);

    public static async Task UpsertCeilingAsync(BenchContext context, RunRecord record)
    {
        var s = context.Settings;
        var (rate, rows, batches) = await UpsertCeiling.MeasureAsync(
            context.Database.ConnectionString(BenchContext.CeilingDatabase), s.IngestFleet, s.UpsertBatch, s.UrlChurn, s.UpsertSeconds, context.NextEpochBase());
        record.Set("upsertCeilingRate", rate);
        record.Set("upsertRows", rows);
        record.Set("upsertBatches", batches);
        Log.Line($"  upsert ceiling: {rate:0} rows/s ({rows} rows in {batches} batches of {s.UpsertBatch})");
    }

    /// <summary>The same simulator load delivered to a subscriber that only counts (the API must be stopped).</summary>
    public static async Task BrokerCeilingAsync(BenchContext context, RunRecord record)
    {
        var s = context.Settings;
        var port = context.Broker.Port.ToString(CultureInfo.InvariantCulture);
        await using var counter = context.Sim.Start(
            "count", "--host", "127.0.0.1", "--port", port, "--username", "monitor", "--password-file", context.Broker.MonitorPasswordFile,
            "--topic", "fleet/v1/detectors/+/state", "--duration", (s.IngestSeconds + 300).ToString(CultureInfo.InvariantCulture));
        await Task.Delay(TimeSpan.FromSeconds(2)); // subscribed before the first publish (its log says so)
        var run = await RunLoadAsync(context);
        Record(record, "brokerSim", run);

        // Let the broker hand over what it still holds, then stop the counter; it prints its summary on SIGTERM.
        await Task.Delay(DrainQuiet);
        await counter.TerminateAsync();
        var count = await counter.WaitAsync(TimeSpan.FromSeconds(60));
        var rate = count.GetProperty("rate").GetDouble();
        record.Set("brokerCeilingRate", rate);
        record.Set("brokerCeilingReceived", count.GetProperty("received").GetDouble());
        record.Set("brokerCeilingSeconds", count.GetProperty("seconds").GetDouble());
        Log.Line($"  broker ceiling (fleet-sim count): {rate:0} msg/s ({count.GetProperty("received")} state messages; offered {run.GetProperty("publishRate")} msg/s)");
    }

    public static async Task EndToEndAsync(BenchContext context, RunRecord record)
    {
        var api = context.RequireApi();
        await WarmUpAsync(context, record);
        var postmaster = await context.Database.PostmasterPidAsync();
        await using var cpu = new CpuWindow();
        cpu.Add("api", () => ProcessCpu.Seconds(api.Pid));
        if (context.Broker.ProcessId is { } broker)
        {
            cpu.Add("broker", () => ProcessCpu.Seconds(broker));
        }

        cpu.Add("postgres", () => ProcessCpu.TreeSeconds(postmaster));
        var committedBefore = await api.CommittedAsync("state");
        var processedBefore = await api.ProcessedAsync();
        var (rate, committed, seconds, run) = await MeasureEndToEndAsync(context, [], context.Settings.IngestSeconds, cpu);
        var used = await cpu.EndAsync();
        Record(record, "e2eSim", run);
        record.Set("e2eRate", rate);
        record.Set("e2eCommitted", committed);
        record.Set("e2eSeconds", seconds);
        Log.Line($"  end to end (measured, after the warm-up): {rate:0} state msg/s committed ({committed} in {seconds:0.0} s; offered {run.GetProperty("publishRate")} msg/s)");
        RecordCpu(record, used, await api.CommittedAsync("state") - committedBefore, await api.ProcessedAsync() - processedBefore, run);
    }

    /// <summary>
    /// The same load for <see cref="BenchSettings.IngestWarmupSeconds"/> before the measured window, then idle again: the
    /// API was just (re)started, and a profile of a cold window found JIT tier-up at 22–39 % of its CPU samples, a cost a
    /// production API that runs for days does not pay. Neither its rate nor its CPU is counted in the window.
    /// </summary>
    private static async Task WarmUpAsync(BenchContext context, RunRecord record)
    {
        var seconds = context.Settings.IngestWarmupSeconds;
        if (seconds == 0)
        {
            Log.Line("  warm-up: none (--ingest-warmup 0): the measured window starts on a freshly started API");
            return;
        }

        var (rate, committed, _, _) = await MeasureEndToEndAsync(context, [], seconds);
        var (settled, settleSeconds) = await context.RequireApi().SettleAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(90));
        record.Set("e2eWarmupSeconds", seconds);
        record.Set("e2eWarmupRate", rate);
        record.Set("e2eWarmupSettleSeconds", settleSeconds);
        if (!settled)
        {
            record.Notes.Add($"ingest: the API still had a backlog {settleSeconds:0} s after the warm-up; the measured window ran anyway");
        }

        Log.Line($"  warm-up: {seconds} s of the same load, not measured ({rate:0} state msg/s, {committed:0} committed); " +
            $"API idle {settleSeconds:0.0} s later{(settled ? string.Empty : " (NOT settled)")}");
    }

    /// <summary>
    /// Issue 18: µs of CPU per message for each process over the measured window (from the load's start to 0.5 s after
    /// its end): the API and PostgreSQL per state message committed in the window, Mosquitto per message delivered to
    /// the API (every message the API finished with: committed, stale, rejected or ignored), the simulator per message
    /// it published (its whole run, connecting included).
    /// </summary>
    private static void RecordCpu(RunRecord record, IReadOnlyDictionary<string, double> used, double committed, double delivered, JsonElement run)
    {
        var published = run.TryGetProperty("published", out var p) ? p.GetDouble() : 0;
        record.Set("cpu.committed", committed);
        record.Set("cpu.delivered", delivered);
        foreach (var (name, messages) in new[] { ("api", committed), ("broker", delivered), ("postgres", committed), ("sim", published) })
        {
            if (used.TryGetValue(name, out var seconds) && messages > 0)
            {
                record.Set($"cpu.{name}Seconds", seconds);
                record.Set($"cpu.{name}UsPerMessage", seconds * 1e6 / messages);
            }
        }

        // What the broker received: the same as delivered while the API keeps up; when it lags, Mosquitto's work is
        // between the two figures (it still takes every publish, and queues or drops what the API has not read).
        if (used.TryGetValue("broker", out var brokerSeconds) && published > 0)
        {
            record.Set("cpu.brokerUsPerPublished", brokerSeconds * 1e6 / published);
        }

        if (record["cpu.apiUsPerMessage"] is { } apiUs && record["cpu.brokerUsPerMessage"] is { } brokerUs && brokerUs > 0)
        {
            record.Set("cpu.apiToBroker", apiUs / brokerUs);
        }

        Log.Line($"  CPU per message: API {record["cpu.apiUsPerMessage"]:0} µs/committed, Mosquitto {record["cpu.brokerUsPerMessage"]:0} µs/delivered " +
            $"({record["cpu.brokerUsPerPublished"]:0} µs/published), " +
            $"PostgreSQL {record["cpu.postgresUsPerMessage"]:0} µs/committed, fleet-sim {record["cpu.simUsPerMessage"]:0} µs/published " +
            $"({committed:0} committed, {delivered:0} delivered, {published:0} published)");
    }

    /// <summary>
    /// The ingest fleet's load through the running API: state messages committed per second while it was offered
    /// (fleet-sim's further options in <paramref name="extra"/>, e.g. --tunnel-port), and fleet-sim's summary. With a
    /// <paramref name="cpu"/> window, it starts just before the load (the simulator joins it as it starts).
    /// </summary>
    public static async Task<(double Rate, double Committed, double Seconds, JsonElement Sim)> MeasureEndToEndAsync(
        BenchContext context, IReadOnlyList<string> extra, int durationSeconds, CpuWindow? cpu = null)
    {
        var api = context.RequireApi();
        await using var series = new CounterSeries(() => api.CommittedAsync("state"), TimeSpan.FromMilliseconds(250));
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        cpu?.Start();
        var run = await RunLoadAsync(context, extra, durationSeconds, sim =>
        {
            var pid = sim.Id;
            cpu?.Add("sim", () => ProcessCpu.Seconds(pid));
        });
        cpu?.Stop("sim");
        var loadEnded = series.Now;

        // Up to the end of the load: what the API kept up with while it was offered. A backlog left in the broker is
        // not waited for (the next scenario waits for the API to settle).
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var (committed, seconds) = series.Activity(loadEnded + 0.5);
        return (seconds > 0 ? committed / seconds : 0, committed, seconds, run);
    }

    private static async Task<JsonElement> RunLoadAsync(
        BenchContext context, IReadOnlyList<string>? extra = null, int? durationSeconds = null, Action<SimProcess>? started = null)
    {
        var s = context.Settings;
        var duration = durationSeconds ?? s.IngestSeconds;
        string[] arguments =
        [
            "run", .. context.SimConnection(s.IngestFleet), "--count", s.IngestFleet.ToString(CultureInfo.InvariantCulture),
            "--rate", s.IngestOfferedRate.ToString(CultureInfo.InvariantCulture),
            "--heartbeat", s.HeartbeatSeconds.ToString(CultureInfo.InvariantCulture),
            "--url-churn", s.UrlChurn.ToString(CultureInfo.InvariantCulture),
            "--connect-rate", "0",
            "--duration", duration.ToString(CultureInfo.InvariantCulture),
            "--epoch-base", context.NextEpochBase().ToString(CultureInfo.InvariantCulture),
            "--quiet",
            .. extra ?? [],
        ];
        await using var sim = context.Sim.Start(arguments);
        started?.Invoke(sim);
        return await sim.WaitAsync(TimeSpan.FromSeconds(duration + 180));
    }

    private static void Record(RunRecord record, string prefix, JsonElement summary)
    {
        foreach (var name in new[] { "connectSeconds", "published", "acked", "failed", "publishRate", "peakWorkingSetMb" })
        {
            if (summary.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number)
            {
                record.Set($"{prefix}.{name}", value.GetDouble());
            }
        }
    }
}
