using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

using Fleet.Benchmarks.Infrastructure;
using Fleet.Benchmarks.Reporting;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// The API's reachability probe at fleet scale (issue 13): a fleet of detectors online with both tunnels on stand-in
/// endpoints on loopback (one address each, reached through Probe:Resolve and Probe:AllowedNetworks 127.0.0.0/8).
/// The same API runs twice in the same run, with the same fleet connected: first without probing (the reference),
/// then with Probe:Enabled, then without again (the reference is the mean of the two runs without). Each time: one probe interval of steady state (CPU and memory of the API process), then
/// the ingest scenario's load (its fleet, rate and churn, a shorter duration). With probing on, a sample of endpoints
/// is taken down (their listeners closed) and the time until GET /detectors shows each `unreachable` is measured.
/// </summary>
internal static class ProbeScenario
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static async Task RunAsync(BenchContext context, RunRecord record)
    {
        var s = context.Settings;
        var total = s.IngestFleet + s.ProbeFleet;
        var interval = TimeSpan.FromSeconds(s.ProbeIntervalSeconds);
        record.Set("fleet", s.ProbeFleet);
        record.Set("intervalSeconds", s.ProbeIntervalSeconds);

        // Detector n of the credentials file has endpoint n: the ingest fleet first (as in the ingest scenario), then
        // the probe fleet. Ids only; the passwords stay in the file.
        var ids = File.ReadLines(context.CredentialsFor(total)).Select(l => l.Split(',', 2)[0].Trim()).ToList();
        await using var endpoints = StandInEndpoints.Start(total);
        Log.Line($"  {total} stand-in endpoints on 127.1.x.y:{endpoints.Port}");
        var tunnelPort = endpoints.Port.ToString(CultureInfo.InvariantCulture);

        // Without probing: the reference, same fleet, same run. The API first, as in the storm: it is ready before the
        // fleet connects, and it keeps the broker's retained messages when it is started again.
        var api = await StartApiAsync(context, record, ids, endpoints.Port, probing: false);
        await using var fleet = context.Sim.Start(
            [
                "run", .. context.SimConnection(total), "--offset", s.IngestFleet.ToString(CultureInfo.InvariantCulture),
                "--count", s.ProbeFleet.ToString(CultureInfo.InvariantCulture),
                "--heartbeat", s.HeartbeatSeconds.ToString(CultureInfo.InvariantCulture),
                "--tunnel-port", tunnelPort, "--duration", "3600",
                "--epoch-base", context.NextEpochBase().ToString(CultureInfo.InvariantCulture), "--quiet",
            ]);
        await WaitOnlineAsync(api, fleet, s.ProbeFleet, record);
        var off = await ProbeWindow.MeasureAsync(api, interval);
        off.Record(record, "off");
        Log.Line($"  without probing: API CPU {off.CpuPercent:0.0} % of a core, RSS {off.RssMeanMb:0} MB (max {off.RssMaxMb:0}) over {off.Seconds:0} s");
        await IngestAsync(context, record, "ingestOff", tunnelPort);

        // With probing.
        api = await StartApiAsync(context, record, ids, endpoints.Port, probing: true);
        var started = Stopwatch.StartNew();
        await WaitOnlineAsync(api, fleet, s.ProbeFleet, record);
        await WaitCheckedAsync(api, started, TimeSpan.FromSeconds(3 * s.ProbeIntervalSeconds), record);
        var on = await ProbeWindow.MeasureAsync(api, interval);
        on.Record(record, "on");
        // Every online detector's two URLs once per interval (the ingest fleet's, still online from its load, too).
        var needed = 2.0 * await CountAsync(api, "status=online") / s.ProbeIntervalSeconds;
        record.Set("probesNeededPerSecond", needed);
        record.Set("reachableAfterWindow", await CountAsync(api, "reachability=reachable"));
        Log.Line($"  with probing: API CPU {on.CpuPercent:0.0} % of a core, RSS {on.RssMeanMb:0} MB (max {on.RssMaxMb:0}); " +
            $"{on.ProbesPerSecond:0} probes/s ({on.ProbesOk:0} of {on.Probes:0} ok; {needed:0}/s needed); " +
            $"{record["reachableAfterWindow"]:0} detectors reachable");
        await IngestAsync(context, record, "ingestOn", tunnelPort);
        await DownAsync(api, endpoints, ids, s, record);

        // Without probing again: the reference brackets the measurement with probing, so a drift over the run (a
        // growing history, the database's own housekeeping) weighs on both sides instead of on the later one alone.
        api = await StartApiAsync(context, record, ids, endpoints.Port, probing: false);
        await WaitOnlineAsync(api, fleet, s.ProbeFleet, record);
        await IngestAsync(context, record, "ingestOffAfter", tunnelPort);

        await fleet.TerminateAsync();
        await fleet.WaitAsync(TimeSpan.FromSeconds(120));
        record.Set("standInServed", endpoints.Served);
    }

    /// <summary>A sample of the probe fleet's endpoints closed at once; per detector, the time until GET /detectors shows it `unreachable`.</summary>
    private static async Task DownAsync(ApiServer api, StandInEndpoints endpoints, List<string> ids, BenchSettings s, RunRecord record)
    {
        var target = s.ProbeIntervalSeconds + s.ProbeTimeoutSeconds + 1.0;
        var limit = TimeSpan.FromSeconds(target + 30);
        var step = Math.Max(1, s.ProbeFleet / s.ProbeDown);
        var down = Enumerable.Range(0, Math.Min(s.ProbeDown, s.ProbeFleet)).Select(k => s.IngestFleet + (k * step)).ToList();
        var pending = down.Select(i => ids[i]).ToHashSet(StringComparer.Ordinal);
        var seconds = new List<double>();

        var clock = Stopwatch.StartNew();
        down.ForEach(endpoints.TakeDown);
        while (pending.Count > 0 && clock.Elapsed < limit)
        {
            await Task.Delay(PollInterval);
            foreach (var id in await UnreachableAsync(api))
            {
                if (pending.Remove(id))
                {
                    seconds.Add(clock.Elapsed.TotalSeconds);
                }
            }
        }

        // Censored at the limit: a detector never shown unreachable counts as at least that slow, not as absent.
        var missed = pending.Count;
        seconds.AddRange(Enumerable.Repeat(limit.TotalSeconds, missed));
        seconds.Sort();
        record.Set("downCount", down.Count);
        record.Set("downMissed", missed);
        record.Set("downTargetSeconds", target);
        record.Set("downP50Seconds", FreshnessScenario.Percentile(seconds, 0.50));
        record.Set("downP99Seconds", FreshnessScenario.Percentile(seconds, 0.99));
        record.Set("downMaxSeconds", seconds[^1]);
        if (missed > 0)
        {
            record.Notes.Add($"{missed} of {down.Count} detectors were not shown unreachable within {limit.TotalSeconds:0} s; counted as {limit.TotalSeconds:0} s");
        }

        Log.Line($"  endpoint down → unreachable: p50 {record["downP50Seconds"]:0.0} s, p99 {record["downP99Seconds"]:0.0} s, " +
            $"max {record["downMaxSeconds"]:0.0} s over {down.Count} ({missed} not seen); target ≤ {target:0} s");
    }

    private static async Task IngestAsync(BenchContext context, RunRecord record, string prefix, string tunnelPort)
    {
        var locks = new LockWaitSampler(context.FleetConnectionString, TimeSpan.FromMilliseconds(20));
        var (rate, committed, seconds, _) = await IngestScenario.MeasureEndToEndAsync(context, ["--tunnel-port", tunnelPort], context.Settings.ProbeIngestSeconds);
        await locks.DisposeAsync();
        var (waiting, byEvent) = locks.Result;
        record.Set($"{prefix}LockWaitShare", waiting);
        Log.Line($"  ingest ({prefix}): a backend waited for a lock in {waiting:P0} of the samples ({byEvent})");
        record.Set($"{prefix}Rate", rate);
        record.Set($"{prefix}Committed", committed);
        record.Set($"{prefix}Seconds", seconds);
        Log.Line($"  ingest ({prefix}): {rate:0} state msg/s committed ({committed} in {seconds:0.0} s)");
    }

    private static async Task<ApiServer> StartApiAsync(BenchContext context, RunRecord record, List<string> ids, int port, bool probing)
    {
        if (context.Api is { } previous)
        {
            context.Api = null;
            await previous.DisposeAsync();
        }

        var s = context.Settings;
        var settings = new Dictionary<string, string>
        {
            ["Probe__Enabled"] = probing ? "true" : "false",
            ["Probe__Interval"] = TimeSpan.FromSeconds(s.ProbeIntervalSeconds).ToString("c", CultureInfo.InvariantCulture),
            ["Probe__Timeout"] = TimeSpan.FromSeconds(s.ProbeTimeoutSeconds).ToString("c", CultureInfo.InvariantCulture),
            ["Probe__AllowedNetworks__0"] = "127.0.0.0/8",
        };

        // Every detector's one tunnel host (as fleet-sim --tunnel-port names it) to its own stand-in address.
        for (var i = 0; i < ids.Count; i++)
        {
            settings[$"Probe__Resolve__{i}"] = $"{ids[i]}.sim.ngrok-free.app:{port}:{StandInEndpoints.AddressOf(i)}";
        }

        var log = Path.Combine(context.Work, $"api-run{record.Run}-probe-{(probing ? "on" : "off")}-{DateTime.UtcNow:HHmmss}.log");
        // Started again beside a connected fleet of 10,000, it has their retained messages to work through first.
        context.Api = await ApiServer.StartAsync(s.ApiDirectory, context.FleetConnectionString, context.Broker, log, settings, TimeSpan.FromMinutes(4));
        Log.Line($"  API {(probing ? "with" : "without")} probing on {context.Api.BaseUrl} (pid {context.Api.Pid})");
        return context.Api;
    }

    /// <summary>Until the probe fleet is online in the API and the API has worked off its start's backlog.</summary>
    private static async Task WaitOnlineAsync(ApiServer api, SimProcess fleet, int count, RunRecord record)
    {
        var clock = Stopwatch.StartNew();
        double online;
        while ((online = await CountAsync(api, "status=online")) < count)
        {
            if (fleet.HasExited)
            {
                throw new InvalidOperationException("the probe fleet stopped (see the fleet-sim log)");
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(4))
            {
                // A loaded host may lose a few to the API's own reconnects: most of the fleet is still a measurement.
                if (online < 0.95 * count)
                {
                    throw new TimeoutException($"only {online:0} of the probe fleet's {count} detectors were online after {clock.Elapsed.TotalSeconds:0} s");
                }

                record.Notes.Add($"only {online:0} of {count} detectors were online after {clock.Elapsed.TotalSeconds:0} s; measured with those");
                break;
            }

            await Task.Delay(PollInterval);
        }

        var (settled, _) = await api.SettleAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(90));
        if (!settled)
        {
            record.Notes.Add("the API was still working off a backlog after 90 s; the window was measured anyway");
        }

        Log.Line($"  {online:0} of {count} detectors online after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// Until every online detector has a probe result: the first round, where every result is a change to write, is
    /// a transient; the window that follows is the steady state (a result that changes nothing writes nothing).
    /// </summary>
    private static async Task WaitCheckedAsync(ApiServer api, Stopwatch started, TimeSpan limit, RunRecord record)
    {
        var clock = Stopwatch.StartNew();
        double unprobed;
        while ((unprobed = await CountAsync(api, "status=online&reachability=unknown")) > 0 && clock.Elapsed < limit)
        {
            await Task.Delay(PollInterval);
        }

        if (unprobed > 0)
        {
            record.Notes.Add($"{unprobed:0} online detectors were still unchecked {started.Elapsed.TotalSeconds:0} s after the API started; the window was measured anyway");
        }
        else
        {
            record.Set("firstRoundSeconds", started.Elapsed.TotalSeconds);
        }

        Log.Line($"  first probe round: {(unprobed > 0 ? $"{unprobed:0} still unchecked" : "every online detector checked")} {started.Elapsed.TotalSeconds:0} s after the API started");
    }

    private static async Task<double> CountAsync(ApiServer api, string filter)
    {
        using var response = await api.Client.GetAsync($"/detectors?{filter}&limit=1");
        response.EnsureSuccessStatusCode();
        return response.Headers.TryGetValues("X-Total-Count", out var values)
            ? double.Parse(values.First(), CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("GET /detectors answered without X-Total-Count");
    }

    private static async Task<List<string>> UnreachableAsync(ApiServer api)
    {
        using var response = await api.Client.GetAsync("/detectors?reachability=unreachable&limit=1000");
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        return [.. document.RootElement.EnumerateArray().Select(d => d.GetProperty("id").GetString() ?? string.Empty)];
    }
}
