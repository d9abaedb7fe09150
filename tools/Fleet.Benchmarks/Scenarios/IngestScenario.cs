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
        var (rate, committed, seconds, run) = await MeasureEndToEndAsync(context, [], context.Settings.IngestSeconds);
        Record(record, "e2eSim", run);
        record.Set("e2eRate", rate);
        record.Set("e2eCommitted", committed);
        record.Set("e2eSeconds", seconds);
        Log.Line($"  end to end: {rate:0} state msg/s committed ({committed} in {seconds:0.0} s; offered {run.GetProperty("publishRate")} msg/s)");
    }

    /// <summary>
    /// The ingest fleet's load through the running API: state messages committed per second while it was offered
    /// (fleet-sim's further options in <paramref name="extra"/>, e.g. --tunnel-port), and fleet-sim's summary.
    /// </summary>
    public static async Task<(double Rate, double Committed, double Seconds, JsonElement Sim)> MeasureEndToEndAsync(
        BenchContext context, IReadOnlyList<string> extra, int durationSeconds)
    {
        var api = context.RequireApi();
        await using var series = new CounterSeries(() => api.CommittedAsync("state"), TimeSpan.FromMilliseconds(250));
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        var run = await RunLoadAsync(context, extra, durationSeconds);
        var loadEnded = series.Now;

        // Up to the end of the load: what the API kept up with while it was offered. A backlog left in the broker is
        // not waited for (the next scenario waits for the API to settle).
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var (committed, seconds) = series.Activity(loadEnded + 0.5);
        return (seconds > 0 ? committed / seconds : 0, committed, seconds, run);
    }

    private static async Task<JsonElement> RunLoadAsync(BenchContext context, IReadOnlyList<string>? extra = null, int? durationSeconds = null)
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
        return await context.Sim.RunAsync(TimeSpan.FromSeconds(duration + 180), arguments);
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
