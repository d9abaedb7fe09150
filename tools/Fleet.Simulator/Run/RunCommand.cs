using System.Text.Json;

namespace Fleet.Simulator.Run;

internal static class RunCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> ExecuteAsync(RunOptions options, CancellationToken ct)
    {
        var credentials = Credentials.Read(options.CredentialsFile, options.Offset, options.Count);
        var detectors = credentials.Select((c, i) => new SimulatedDetector(i, c.Id, c.Password, options.EpochBase, options)).ToList();
        static void Progress(string line) => Console.Error.WriteLine($"fleet-sim: {line}");
        Progress($"{detectors.Count} detectors against {options.Host}:{options.Port}, rate {options.Rate}/s, heartbeat {options.Heartbeat.TotalSeconds} s, " +
            $"url churn {options.UrlChurn}, crashes {options.CrashRatePerHour}/h, connect rate {(options.ConnectRate > 0 ? options.ConnectRate + "/s" : "all at once")}, " +
            $"duration {options.Duration.TotalSeconds} s, epoch base {options.EpochBase}");

        using var runner = new FleetRunner(detectors, options, Progress);
        var summary = await runner.RunAsync(ct);
        if (options.AckedOut is { } path)
        {
            var acked = detectors.Where(d => d.Acked is not null).ToDictionary(d => d.Id, d => d.Acked!, StringComparer.Ordinal);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(acked, Json), CancellationToken.None);
            Progress($"wrote {acked.Count} acknowledged states to {path}");
        }

        await Console.Out.WriteLineAsync(JsonSerializer.Serialize(summary, Json));
        return summary.Connected == summary.Count ? 0 : 1;
    }
}
