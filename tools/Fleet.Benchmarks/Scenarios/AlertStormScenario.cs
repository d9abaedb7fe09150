using System.Diagnostics;
using System.Globalization;

using Fleet.Benchmarks.Infrastructure;
using Fleet.Benchmarks.Reporting;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// Issue 15's alert storm: a fleet of detectors (after the ingest fleet in the credentials, tagged site-00..site-NN)
/// online, one rule "lost for D seconds, every detector, grouped by tag" with a webhook destination at a receiver in
/// this process, then the fleet's process killed so every detector goes lost at once. Measured: the time from the kill
/// to the last grouped alert received (target: damping + 10 s), the deliveries (expected: one per site), the API's
/// peak RSS during the storm against its RSS before, and the ingest rate while a second storm and its alerts are
/// processed against the rate without, measured before and after (the same bracketing as the probe scenario).
/// </summary>
internal static class AlertStormScenario
{
    private static readonly TimeSpan OnlineLimit = TimeSpan.FromMinutes(4);

    public static async Task RunAsync(BenchContext context, RunRecord record)
    {
        var s = context.Settings;
        var damping = TimeSpan.FromSeconds(s.AlertsDampingSeconds);
        var window = TimeSpan.FromSeconds(s.AlertsGroupWindowSeconds);
        var target = s.AlertsDampingSeconds + 10.0;
        var limit = damping + window + TimeSpan.FromSeconds(60);
        record.Set("fleet", s.AlertsFleet);
        record.Set("sites", s.AlertsSites);
        record.Set("dampingSeconds", s.AlertsDampingSeconds);
        record.Set("groupWindowSeconds", s.AlertsGroupWindowSeconds);
        record.Set("targetSeconds", target);
        record.Set("ingestSeconds", s.AlertsIngestSeconds);

        await using var receiver = await AlertReceiver.StartAsync();
        var adminKey = Secrets.New();
        var api = await StartApiAsync(context, record, adminKey);
        using var admin = AlertStormSetup.AdminClient(api, adminKey);
        var setup = new AlertStormSetup(admin);
        var ids = File.ReadLines(context.CredentialsFor(s.IngestFleet + s.AlertsFleet)).Skip(s.IngestFleet)
            .Select(l => l.Split(',', 2)[0].Trim()).ToList();
        var watch = new AlertStormWatch(receiver, setup, s.AlertsFleet);

        // The fleet online first: a provisioned detector has no row to tag before its first message.
        var fleet = await FleetOnlineAsync(context, api, setup, record);
        var clock = Stopwatch.StartNew();
        if (await setup.EnsureSitesAsync(ids, s.AlertsSites))
        {
            Log.Line($"  tagged {ids.Count} detectors with {s.AlertsSites} site tags in {clock.Elapsed.TotalSeconds:0.0} s");
        }

        await setup.RemoveEarlierAsync();
        var rule = await setup.CreateRuleAsync(receiver.Url, damping, window);
        Log.Line($"  rule: lost for {damping.TotalSeconds:0} s, every detector, grouped by tag (window {window.TotalSeconds:0} s) → webhook {receiver.Url}");

        // The reference ingest runs with the storm fleet gone, as it is for most of the window with a storm (killed 3 s
        // in): stopped cleanly here (offline, which the rule does not watch), lost since the second storm after it.
        // Measured with the fleet idle but connected instead, the rate with a storm came out 24-48 % above it.
        await StopAsync(fleet);
        await SettleAsync(api, record);
        await IngestAsync(context, record, "ingestOff");

        // Before the storm: the fleet online and idle, the API settled; its RSS over a few seconds.
        fleet = await FleetOnlineAsync(context, api, setup, record);
        var rssBefore = await MeanRssAsync(api.Pid, TimeSpan.FromSeconds(3));
        record.Set("rssBeforeMb", rssBefore);

        // The storm alone: the time to the last grouped alert, the deliveries, the API's peak memory.
        var peakReset = ProcessMemory.ResetPeak(api.Pid);
        double peak;
        AlertStormWatch.Result storm;
        await using (var sampler = new RssSampler(api.Pid))
        {
            storm = await watch.RunAsync(fleet, limit);
            peak = Math.Max(sampler.MaxMb, (peakReset ? ProcessMemory.PeakMb(api.Pid) : null) ?? 0);
        }

        storm.Record(record, "storm");
        record.Set("rssPeakMb", peak);
        record.Set("rssRatio", peak / rssBefore);
        Log.Line($"  storm of {s.AlertsFleet}: {storm}; API RSS {rssBefore:0} MB before, peak {peak:0} MB during" +
            (peakReset ? string.Empty : " (VmHWM not resettable: sampled RSS only)"));
        if (storm.LastAlertSeconds is null)
        {
            record.Notes.Add($"the storm's fired notices named {storm.Detectors} of {s.AlertsFleet} detectors within {limit.TotalSeconds:0} s");
        }

        // Back: the fired alerts recover (one notice per alert), and the fleet is online for the next storm.
        fleet = await BackAsync(context, api, setup, watch, receiver, storm.Detectors, record, "recovered");

        // With: the ingest load, and a second storm 3 s into it; the load lasts until past the target.
        var ingest = IngestAsync(context, record, "ingestOn");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var loaded = await watch.RunAsync(fleet, limit);
        await ingest;
        loaded.Record(record, "load");
        Log.Line($"  storm during the ingest load: {loaded}");

        // Without again, the fleet still gone (lost, its alerts fired): the reference brackets the storm.
        await SettleAsync(api, record);
        await IngestAsync(context, record, "ingestOffAfter");
        fleet = await BackAsync(context, api, setup, watch, receiver, loaded.Detectors, record, "loadRecovered");
        await StopAsync(fleet);
        await setup.DeleteRuleAsync(rule);
    }

    /// <summary>A clean stop of the fleet (offline, then DISCONNECT: no will).</summary>
    private static async Task StopAsync(SimProcess fleet)
    {
        await fleet.TerminateAsync();
        await fleet.WaitAsync(TimeSpan.FromSeconds(120));
        await fleet.DisposeAsync();
    }

    /// <summary>
    /// Waits until the ingest is idle: the ingest load leaves a backlog in the broker (it offers more than the API
    /// takes), and what comes next (wills, a fleet's connect) would queue behind it and, past max_queued_messages, be
    /// dropped (a first run lost three quarters of the storm's wills so).
    /// </summary>
    private static async Task SettleAsync(ApiServer api, RunRecord record)
    {
        var (settled, _) = await api.SettleAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(120));
        if (!settled)
        {
            record.Notes.Add("the API was still working off a backlog after 120 s; measured anyway");
        }
    }

    private static async Task<SimProcess> BackAsync(
        BenchContext context, ApiServer api, AlertStormSetup setup, AlertStormWatch watch, AlertReceiver receiver, int fired, RunRecord record, string prefix)
    {
        var since = receiver.Clock.Elapsed.TotalSeconds;
        var fleet = await FleetOnlineAsync(context, api, setup, record);
        var (seconds, deliveries, detectors) = await watch.RecoveredAsync(since, fired, TimeSpan.FromSeconds(context.Settings.AlertsDampingSeconds + 60));
        record.Set($"{prefix}.seconds", seconds ?? double.NaN);
        record.Set($"{prefix}.deliveries", deliveries);
        record.Set($"{prefix}.detectors", detectors);
        Log.Line($"  fleet back: {deliveries} recovery notices naming {detectors} of {fired} detectors" + (seconds is { } t ? $" within {t:0.0} s" : " (not all)"));
        await SettleAsync(api, record);
        return fleet;
    }

    /// <summary>Starts the storm fleet (a new epoch, wills without delay, heartbeats out of the way) and waits until the API shows it online.</summary>
    private static async Task<SimProcess> FleetOnlineAsync(BenchContext context, ApiServer api, AlertStormSetup setup, RunRecord record)
    {
        var s = context.Settings;
        await SettleAsync(api, record);
        var fleet = context.Sim.Start(
            [
                "run", .. context.SimConnection(s.IngestFleet + s.AlertsFleet), "--offset", s.IngestFleet.ToString(CultureInfo.InvariantCulture),
                "--count", s.AlertsFleet.ToString(CultureInfo.InvariantCulture), "--heartbeat", "3600", "--will-delay", "0",
                "--duration", "3600", "--epoch-base", context.NextEpochBase().ToString(CultureInfo.InvariantCulture), "--quiet",
            ]);
        var clock = Stopwatch.StartNew();
        double online;
        while ((online = await setup.CountAsync("status=online")) < s.AlertsFleet)
        {
            if (fleet.HasExited || clock.Elapsed > OnlineLimit)
            {
                await fleet.DisposeAsync();
                throw new InvalidOperationException($"only {online:0} of the storm fleet's {s.AlertsFleet} detectors were online after {clock.Elapsed.TotalSeconds:0} s");
            }

            await Task.Delay(500);
        }

        await SettleAsync(api, record);
        Log.Line($"  {online:0} detectors online after {clock.Elapsed.TotalSeconds:0.0} s");
        return fleet;
    }

    private static async Task IngestAsync(BenchContext context, RunRecord record, string prefix)
    {
        var (rate, committed, seconds, _) = await IngestScenario.MeasureEndToEndAsync(context, [], context.Settings.AlertsIngestSeconds);
        record.Set($"{prefix}Rate", rate);
        record.Set($"{prefix}Committed", committed);
        record.Set($"{prefix}Seconds", seconds);
        Log.Line($"  ingest ({prefix}): {rate:0} state msg/s committed ({committed} in {seconds:0.0} s)");
    }

    private static async Task<double> MeanRssAsync(int pid, TimeSpan length)
    {
        var samples = new List<double>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < length)
        {
            if (ProcessMemory.RssMb(pid) is { } mb)
            {
                samples.Add(mb);
            }

            await Task.Delay(250);
        }

        return samples.Count == 0 ? double.NaN : samples.Average();
    }

    private static async Task<ApiServer> StartApiAsync(BenchContext context, RunRecord record, string adminKey)
    {
        if (context.Api is { } previous)
        {
            context.Api = null;
            await previous.DisposeAsync();
        }

        var settings = new Dictionary<string, string>
        {
            ["Auth__ApiKeys__1__Name"] = "bench-admin",
            ["Auth__ApiKeys__1__Role"] = "admin",
            ["Auth__ApiKeys__1__Key"] = adminKey,

            // The receiver is on loopback and speaks http: allowed as the alert senders' tests allow it.
            ["Alerts__AllowedNetworks__0"] = "127.0.0.0/8",
            ["Alerts__Delivery__AllowHttp"] = "true",
        };
        var log = Path.Combine(context.Work, $"api-run{record.Run}-alerts-{DateTime.UtcNow:HHmmss}.log");
        context.Api = await ApiServer.StartAsync(context.Settings.ApiDirectory, context.FleetConnectionString, context.Broker, log, settings, TimeSpan.FromMinutes(4));
        Log.Line($"  API on {context.Api.BaseUrl} (pid {context.Api.Pid})");
        return context.Api;
    }
}
