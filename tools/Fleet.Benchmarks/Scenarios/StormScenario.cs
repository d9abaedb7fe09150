using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

using Fleet.Benchmarks.Infrastructure;
using Fleet.Benchmarks.Reporting;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// Reconnect storm: the whole fleet connects at once and publishes (fleet-sim run --connect-rate 0 --duration 0), as
/// after a broker restart. Measures the time from the simulator's start until the API has committed every detector's
/// new state (its /metrics counter, then confirmed through GET /detectors pages), and the API's peak RSS meanwhile.
/// </summary>
internal static class StormScenario
{
    public static async Task RunAsync(BenchContext context, RunRecord record)
    {
        var s = context.Settings;
        var api = context.RequireApi();
        var fleet = s.StormFleet;
        var epochBase = context.NextEpochBase();
        record.Set("fleet", fleet);
        record.Set("timeoutSeconds", s.StormTimeoutSeconds);
        record.Set("apiRssBeforeMb", ProcessMemory.RssMb(api.Pid) ?? double.NaN);
        var peakReset = ProcessMemory.ResetPeak(api.Pid);
        await using var sampler = new RssSampler(api.Pid);
        var before = await api.CommittedAsync("state");

        await using var sim = context.Sim.Start(
            [
                "run", .. context.SimConnection(fleet), "--count", fleet.ToString(CultureInfo.InvariantCulture),
                "--rate", "0", "--heartbeat", s.HeartbeatSeconds.ToString(CultureInfo.InvariantCulture),
                "--connect-rate", "0", "--duration", "0",
                "--epoch-base", epochBase.ToString(CultureInfo.InvariantCulture),
                "--quiet",
            ]);
        // The counter says when the API has committed as many states as the fleet has; the pages then confirm that
        // every detector shows this storm's epoch (if not yet, the pages are polled until they do).
        var clock = sim.Started;
        var timeout = TimeSpan.FromSeconds(s.StormTimeoutSeconds);
        double? visible = null;
        var confirmed = 0;
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await api.CommittedAsync("state") - before >= fleet)
                {
                    var counted = clock.Elapsed.TotalSeconds;
                    confirmed = await CountNewEpochAsync(api.Client, epochBase);
                    if (confirmed >= fleet)
                    {
                        visible = counted;
                        break;
                    }

                    while (clock.Elapsed < timeout && (confirmed = await CountNewEpochAsync(api.Client, epochBase)) < fleet)
                    {
                        await Task.Delay(250);
                    }

                    visible = confirmed >= fleet ? clock.Elapsed.TotalSeconds : null;
                    break;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // A request lost under load: try again.
            }

            await Task.Delay(100);
        }

        if (visible is null)
        {
            confirmed = await CountNewEpochAsync(api.Client, epochBase);
        }

        JsonElement? summary = null;
        try
        {
            summary = await sim.WaitAsync(TimeSpan.FromSeconds(s.StormTimeoutSeconds));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            record.Notes.Add($"fleet-sim: {ex.Message}");
        }

        var hwm = peakReset ? ProcessMemory.PeakMb(api.Pid) : null;
        var peak = Math.Max(sampler.MaxMb, hwm ?? 0);
        record.Set("apiPeakRssMb", peak);
        record.Set("apiRssAfterMb", ProcessMemory.RssMb(api.Pid) ?? double.NaN);
        record.Set("visibleViaPages", confirmed);
        if (summary is { } sum)
        {
            record.Set("connectSeconds", sum.GetProperty("connectSeconds").GetDouble());
            record.Set("connected", sum.GetProperty("connected").GetDouble());
            record.Set("simPeakWorkingSetMb", sum.GetProperty("peakWorkingSetMb").GetDouble());
        }

        if (visible is not { } seconds)
        {
            record.Set("visibleAtTimeout", confirmed);
            throw new InvalidOperationException(
                $"only {confirmed} of {fleet} detectors visible via GET /detectors after {s.StormTimeoutSeconds} s");
        }

        record.Set("visibleSeconds", seconds);
        Log.Line($"  storm: {fleet} detectors visible after {seconds:0.00} s (pages confirm {confirmed}), API peak RSS {peak:0} MB" +
            (peakReset ? string.Empty : " (VmHWM not resettable: sampled RSS only)"));
    }

    /// <summary>Detectors whose stored epoch is from this storm, counted through every page of GET /detectors.</summary>
    private static async Task<int> CountNewEpochAsync(HttpClient client, long epochBase)
    {
        var count = 0;
        string? next = "/detectors?limit=1000";
        while (next is not null)
        {
            using var response = await client.GetAsync(next);
            response.EnsureSuccessStatusCode();
            using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
            count += document.RootElement.EnumerateArray().Count(d =>
                d.TryGetProperty("epoch", out var epoch) && epoch.ValueKind == JsonValueKind.Number && epoch.GetInt64() >= epochBase);
            next = NextLink(response);
        }

        return count;
    }

    public static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var part in values.SelectMany(v => v.Split(',')))
        {
            if (part.Contains("rel=\"next\"", StringComparison.Ordinal))
            {
                var start = part.IndexOf('<', StringComparison.Ordinal);
                var end = part.IndexOf('>', StringComparison.Ordinal);
                if (start >= 0 && end > start)
                {
                    var target = part[(start + 1)..end];
                    // "/detectors?…" first: on Unix Uri.TryCreate takes a rooted path for an absolute file:// URI.
                    return target.StartsWith('/') ? target
                        : Uri.TryCreate(target, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : target;
                }
            }
        }

        return null;
    }
}
