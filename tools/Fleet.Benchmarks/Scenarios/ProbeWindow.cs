using System.Diagnostics;

using Fleet.Benchmarks.Infrastructure;
using Fleet.Testing.Metrics;

namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// One steady-state window of the API process: CPU from /proc (the process's user + system time over the wall time,
/// in % of one core), resident memory sampled every second (mean and max), and the probes it finished meanwhile
/// (fleet_probe_outcomes_total, all outcomes and `ok`).
/// </summary>
internal sealed record ProbeWindow(double Seconds, double CpuPercent, double RssMeanMb, double RssMaxMb, double Probes, double ProbesOk)
{
    public double ProbesPerSecond => Seconds > 0 ? Probes / Seconds : 0;

    public static async Task<ProbeWindow> MeasureAsync(ApiServer api, TimeSpan length)
    {
        var (probes0, ok0) = await ProbesAsync(api);
        var cpu0 = CpuTime(api.Pid);
        var wall = Stopwatch.StartNew();
        var rss = new List<double>();
        while (wall.Elapsed < length)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            if (ProcessMemory.RssMb(api.Pid) is { } mb)
            {
                rss.Add(mb);
            }
        }

        var cpu = CpuTime(api.Pid) - cpu0;
        var seconds = wall.Elapsed.TotalSeconds;
        var (probes1, ok1) = await ProbesAsync(api);
        return new ProbeWindow(
            seconds,
            cpu.TotalSeconds / seconds * 100,
            rss.Count == 0 ? double.NaN : rss.Average(),
            rss.Count == 0 ? double.NaN : rss.Max(),
            probes1 - probes0,
            ok1 - ok0);
    }

    public void Record(Reporting.RunRecord record, string prefix)
    {
        record.Set($"{prefix}.seconds", Seconds);
        record.Set($"{prefix}.cpuPercent", CpuPercent);
        record.Set($"{prefix}.rssMeanMb", RssMeanMb);
        record.Set($"{prefix}.rssMaxMb", RssMaxMb);
        record.Set($"{prefix}.probes", Probes);
        record.Set($"{prefix}.probesOk", ProbesOk);
        record.Set($"{prefix}.probesPerSecond", ProbesPerSecond);
    }

    private static TimeSpan CpuTime(int pid)
    {
        using var process = Process.GetProcessById(pid);
        return process.TotalProcessorTime;
    }

    private static async Task<(double All, double Ok)> ProbesAsync(ApiServer api)
    {
        var samples = PrometheusText.Parse(await api.Client.GetStringAsync("/metrics"));
        return (samples.Sum("fleet_probe_outcomes_total"), samples.Sum("fleet_probe_outcomes_total", ("outcome", "ok")));
    }
}
