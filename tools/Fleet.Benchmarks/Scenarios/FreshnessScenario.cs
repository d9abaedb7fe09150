using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

using Fleet.Benchmarks.Reporting;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// Time from a URL change published by one detector (acknowledged by the broker or not: the clock starts before the
/// publish) to the first GET /detectors/{id} that shows it, while fleet-sim sends the background load.
/// </summary>
internal static class FreshnessScenario
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(BenchContext context, RunRecord record)
    {
        var s = context.Settings;
        var api = context.RequireApi();
        var before = await api.CommittedAsync("state");
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

        // The fleet is connected once its first states are committed; from then on the background rate runs. The
        // simulator runs until the changes are done (then SIGTERM: a clean stop).
        var connected = Stopwatch.StartNew();
        while (await api.CommittedAsync("state") - before < s.FreshnessFleet)
        {
            if (background.HasExited)
            {
                throw new InvalidOperationException("the background fleet stopped before the changes began (see the fleet-sim log)");
            }

            if (connected.Elapsed > TimeSpan.FromSeconds(30))
            {
                record.Notes.Add("the background fleet's first states were not all committed within 30 s: changes began anyway");
                break;
            }

            await Task.Delay(200);
        }

        var (id, password) = context.ProbeCredential();
        await using var probe = new FreshnessProbe(id, password, context.NextEpochBase());
        await probe.ConnectAsync("127.0.0.1", context.Broker.Port);
        var latencies = new List<double>();
        var startCommitted = await api.CommittedAsync("state");
        var window = Stopwatch.StartNew();
        var timeouts = 0;
        var budget = TimeSpan.FromSeconds(s.FreshnessSeconds);
        for (var change = 0; change < s.FreshnessChanges && !background.HasExited && window.Elapsed < budget; change++)
        {
            var url = $"https://fresh-{change}-{Random.Shared.Next(1_000_000):x}.ngrok-free.app";
            var clock = Stopwatch.StartNew();
            await probe.PublishUrlAsync(url);
            var seen = false;
            while (clock.Elapsed < ChangeTimeout)
            {
                if (await ShowsAsync(api.Client, id, url))
                {
                    latencies.Add(clock.Elapsed.TotalMilliseconds);
                    seen = true;
                    break;
                }

                await Task.Delay(PollInterval);
            }

            if (!seen)
            {
                // Censored at the timeout: a change never seen counts as at least that slow, not as absent.
                latencies.Add(ChangeTimeout.TotalMilliseconds);
                timeouts++;
            }

            await Task.Delay(20);
        }

        var backgroundRate = (await api.CommittedAsync("state") - startCommitted) / window.Elapsed.TotalSeconds;
        await background.TerminateAsync();
        await background.WaitAsync(TimeSpan.FromSeconds(60));

        if (latencies.Count == 0)
        {
            throw new InvalidOperationException("no URL change was published (the background fleet stopped first)");
        }

        if (timeouts > 0)
        {
            record.Notes.Add($"{timeouts} of {latencies.Count} changes were not visible within {ChangeTimeout.TotalSeconds:0} s; counted as {ChangeTimeout.TotalMilliseconds:0} ms");
        }

        latencies.Sort();
        record.Set("changes", latencies.Count - timeouts);
        record.Set("timeouts", timeouts);
        record.Set("p50Ms", Percentile(latencies, 0.50));
        record.Set("p99Ms", Percentile(latencies, 0.99));
        record.Set("maxMs", latencies[^1]);
        record.Set("backgroundCommittedRate", backgroundRate);
        if (latencies.Count < 100)
        {
            record.Notes.Add($"only {latencies.Count} changes were made within the {s.FreshnessSeconds} s budget ({timeouts} timed out)");
        }

        Log.Line($"  freshness: p50 {Percentile(latencies, 0.5):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms over {latencies.Count} changes " +
            $"({timeouts} timeouts), background {backgroundRate:0} state msg/s committed");
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static async Task<bool> ShowsAsync(HttpClient client, string id, string url)
    {
        using var response = await client.GetAsync($"/detectors/{id}");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return false;
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        return document.RootElement.TryGetProperty("tunnels", out var tunnels)
            && tunnels.EnumerateArray().Any(t => t.GetProperty("url").GetString() == url);
    }
}
