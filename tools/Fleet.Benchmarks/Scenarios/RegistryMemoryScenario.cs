using System.Diagnostics;
using System.Globalization;

using Fleet.Benchmarks.Infrastructure;
using Fleet.Benchmarks.Reporting;

using Fleet.Testing.Metrics;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// Issue 18: the API's resident memory holding 100,000 detectors (two tunnels each) in its registry. A database of its
/// own is filled by COPY; the API is started on it with <c>Detectors:ReadFrom=Memory</c>, then with <c>Database</c>
/// (ingesting nothing either time); once ready it answers one full page, and VmRSS is read 5 s later. The difference
/// between the two is what the registry costs, per detector.
/// </summary>
internal static class RegistryMemoryScenario
{
    public const string Database = "fleet_memory";

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(BenchContext context, RunRecord record)
    {
        var count = context.Settings.MemoryFleet;
        var connectionString = context.Database.ConnectionString(Database);
        var seeding = Stopwatch.StartNew();
        await RegistrySeed.FillAsync(connectionString, count);
        record.Set("detectors", count);
        record.Set("seedSeconds", seeding.Elapsed.TotalSeconds);
        Log.Line($"  {count} detectors with 2 tunnels each written in {seeding.Elapsed.TotalSeconds:0.0} s");

        foreach (var mode in new[] { "Memory", "Database" })
        {
            var settings = ApiServer.WithoutIngest();
            settings["Detectors__ReadFrom"] = mode;
            var started = Stopwatch.StartNew();
            await using var api = await ApiServer.StartAsync(
                context.Settings.ApiDirectory, connectionString, context.Broker,
                Path.Combine(context.Work, $"api-run{record.Run}-memory-{mode.ToLowerInvariant()}.log"), settings, TimeSpan.FromMinutes(5));
            var ready = started.Elapsed.TotalSeconds;
            using (var page = await api.Client.GetAsync("/detectors?limit=100"))
            {
                page.EnsureSuccessStatusCode();
                var total = page.Headers.TryGetValues("X-Total-Count", out var values) ? values.First() : "?";
                if (total != count.ToString(CultureInfo.InvariantCulture))
                {
                    record.Notes.Add($"{mode}: the list says {total} detectors, {count} were written");
                }
            }

            await Task.Delay(Settle);
            var key = mode.ToLowerInvariant();
            record.Set($"{key}.readySeconds", ready);
            if (ProcessMemory.RssMb(api.Pid) is { } rss)
            {
                record.Set($"{key}.rssMb", rss);
            }

            if (ProcessMemory.PeakMb(api.Pid) is { } peak)
            {
                record.Set($"{key}.peakMb", peak);
            }

            if (mode == "Memory")
            {
                // What the entries' serialised views weigh (the API's own gauge), to split the bytes per detector.
                var scraped = PrometheusText.Parse(await api.Client.GetStringAsync("/metrics"));
                record.Set("viewBytesPerDetector", scraped.Sum("fleet_registry_views_bytes") / count);
            }

            Log.Line($"  ReadFrom={mode}: ready in {ready:0.0} s, RSS {record[$"{key}.rssMb"]:0} MB (peak {record[$"{key}.peakMb"]:0} MB)");
        }

        if (record["memory.rssMb"] is { } memory && record["database.rssMb"] is { } database)
        {
            record.Set("bytesPerDetector", (memory - database) * 1024 * 1024 / count);
        }
    }
}
