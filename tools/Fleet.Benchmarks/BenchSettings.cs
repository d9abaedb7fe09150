using System.Globalization;

using Fleet.Testing;

namespace Fleet.Benchmarks;

/// <summary>What one benchmark run does; <c>--quick</c> shrinks durations for a smoke run of a minute or two.</summary>
internal sealed record BenchSettings
{
    public const string Usage = """
        Usage: fleet-bench [run] [--runs N] [--quick] [--only ingest,freshness,cross,storm,reads,memory,probe,alerts,agent]
                           [--ingest-seconds N] [--ingest-warmup N] [--agent run|collect|skip] [--repo DIR] [--api-dir DIR] [--sim DLL]
        """;

    public int Runs { get; init; } = 3;

    public bool Quick { get; init; }

    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>(AllScenarios, StringComparer.Ordinal);

    public static IReadOnlyList<string> AllScenarios { get; } = ["ingest", "freshness", "cross", "storm", "reads", "memory", "probe", "alerts", "agent"];

    /// <summary>The repository (Fleet.sln); results go to its docs/benchmarks.</summary>
    public string Repo { get; init; } = FindRepo();

    /// <summary>The published Release API (fleet-api.dll).</summary>
    public string ApiDirectory { get; init; } = string.Empty;

    public string SimAssembly { get; init; } = string.Empty;

    // Ingest: offered load well above what one 2-core machine delivers, so the measured rate is the capacity.
    public int IngestFleet { get; init; } = 1000;

    public int IngestOfferedRate { get; init; } = 20000;

    public double UrlChurn { get; init; } = 0.1;

    public int HeartbeatSeconds { get; init; } = 60;

    public int IngestSeconds { get; init; } = 15;

    /// <summary>The ingest load run this long, unmeasured, on the freshly started API before its end-to-end window (0: none).</summary>
    public int IngestWarmupSeconds { get; init; } = 12;

    public int UpsertSeconds { get; init; } = 8;

    public int UpsertBatch { get; init; } = 256;

    // Freshness: one orchestrator-driven detector changing its URL while the fleet sends 1,000 msg/s.
    public int FreshnessFleet { get; init; } = 1000;

    public int FreshnessBackgroundRate { get; init; } = 1000;

    public int FreshnessChanges { get; init; } = 200;

    /// <summary>Time budget for the changes (the background fleet runs until they are done).</summary>
    public int FreshnessSeconds { get; init; } = 60;

    // Cross-instance freshness (issue 18): operator PATCHes on B, polled on A, while the freshness fleet loads B.
    public int CrossSamples { get; init; } = 300;

    // Registry memory (issue 18): detectors (2 tunnels each) the API holds when its RSS is read.
    public int MemoryFleet { get; init; } = 100_000;

    // Reconnect storm: everyone connects at once, as after a broker restart.
    public int StormFleet { get; init; } = 10000;

    public int StormTimeoutSeconds { get; init; } = 120;

    // Reads: wrk against the API and against the bare ceiling endpoint.
    public int WrkSeconds { get; init; } = 6;

    public int WrkConnections { get; init; } = 32;

    public int WrkThreads { get; init; } = 2;

    // Probe (issue 13): the API probing this many detectors' stand-in endpoints on loopback, both tunnels each.
    public int ProbeFleet { get; init; } = 10000;

    public int ProbeIntervalSeconds { get; init; } = 60;

    /// <summary>Probe:Timeout; with the interval it makes the target for an endpoint going down (interval + timeout + 1 s).</summary>
    public int ProbeTimeoutSeconds { get; init; } = 10;

    /// <summary>Endpoints taken down to time the change to `unreachable`.</summary>
    public int ProbeDown { get; init; } = 100;

    /// <summary>The ingest load with and without probing (shorter than the ingest scenario's; the same fleet and rate).</summary>
    public int ProbeIngestSeconds { get; init; } = 10;

    // Alerts (issue 15): this many detectors (after the ingest fleet) lost at once under one rule, grouped by site tag.
    public int AlertsFleet { get; init; } = 10000;

    /// <summary>The rule's flap damping (forSeconds); the target for the last grouped alert is this + 10 s.</summary>
    public int AlertsDampingSeconds { get; init; } = 30;

    /// <summary>The rule's group window: a site's members due within it after the first fire as one alert.</summary>
    public int AlertsGroupWindowSeconds { get; init; } = 3;

    /// <summary>Site tags the fleet is spread over: the expected number of grouped alerts per storm.</summary>
    public int AlertsSites { get; init; } = 10;

    /// <summary>Each ingest window of the alert scenario: past the target, so the storm's evaluation, firing and delivery fall inside.</summary>
    public int AlertsIngestSeconds => AlertsDampingSeconds + AlertsGroupWindowSeconds + 15;

    public string AgentMode { get; init; } = "run";

    public int AgentSeconds { get; init; } = 15;

    /// <summary>
    /// Detectors to provision: every scenario's fleet (the probe's after the ingest fleet, which runs beside it) plus the
    /// freshness probe's own identity.
    /// </summary>
    public int ProvisionCount => Math.Max(
        Math.Max(Math.Max(Math.Max(IngestFleet, FreshnessFleet), StormFleet), Includes("probe") ? IngestFleet + ProbeFleet : 0),
        Includes("alerts") ? IngestFleet + AlertsFleet : 0) + 1;

    public bool Includes(string scenario) => Only.Contains(scenario);

    public static BenchSettings Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var settings = quick
            ? new BenchSettings
            {
                Quick = true, Runs = 1, IngestSeconds = 8, IngestWarmupSeconds = 5, UpsertSeconds = 4, FreshnessChanges = 100, FreshnessSeconds = 30,
                StormFleet = 2000, StormTimeoutSeconds = 60, WrkSeconds = 4, AgentMode = "collect",
                ProbeFleet = 2000, ProbeIntervalSeconds = 20, ProbeDown = 50, ProbeIngestSeconds = 6,
                AlertsFleet = 2000, AlertsDampingSeconds = 10, CrossSamples = 100,

                // The registry's memory (100,000 detectors seeded, the API started twice) only when asked for by --only.
                Only = new HashSet<string>(AllScenarios.Where(n => n != "memory"), StringComparer.Ordinal),
            }
            : new BenchSettings();

        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            settings = args[i] switch
            {
                "--quick" => settings,
                "--runs" => settings with { Runs = PositiveInt(Next(), "--runs") },
                "--only" => settings with { Only = Scenarios(Next()) },
                "--agent" => settings with { AgentMode = Next() is var m && m is "run" or "collect" or "skip" ? m : throw new ArgumentException("--agent is run, collect or skip") },
                "--repo" => settings with { Repo = Path.GetFullPath(Next()) },
                "--api-dir" => settings with { ApiDirectory = Path.GetFullPath(Next()) },
                "--sim" => settings with { SimAssembly = Path.GetFullPath(Next()) },
                "--storm-count" => settings with { StormFleet = PositiveInt(Next(), "--storm-count") },
                "--alerts-count" => settings with { AlertsFleet = PositiveInt(Next(), "--alerts-count") },
                "--alerts-damping" => settings with { AlertsDampingSeconds = PositiveInt(Next(), "--alerts-damping") },
                "--probe-count" => settings with { ProbeFleet = PositiveInt(Next(), "--probe-count") },
                "--ingest-seconds" => settings with { IngestSeconds = PositiveInt(Next(), "--ingest-seconds") },
                "--ingest-warmup" => settings with { IngestWarmupSeconds = NonNegativeInt(Next(), "--ingest-warmup") },
                "--memory-count" => settings with { MemoryFleet = PositiveInt(Next(), "--memory-count") },
                "--wrk-seconds" => settings with { WrkSeconds = PositiveInt(Next(), "--wrk-seconds") },
                _ => throw new ArgumentException($"Unknown option {args[i]}"),
            };
        }

        return settings with
        {
            ApiDirectory = settings.ApiDirectory.Length > 0 ? settings.ApiDirectory : Path.Combine(settings.Repo, "artifacts", "bench", "api"),
            SimAssembly = settings.SimAssembly.Length > 0
                ? settings.SimAssembly
                : Path.Combine(settings.Repo, "tools", "Fleet.Simulator", "bin", "Release", "net10.0", "fleet-sim.dll"),
        };
    }

    private static int PositiveInt(string value, string name) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name} must be a positive integer");

    private static int NonNegativeInt(string value, string name) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{name} must be 0 or a positive integer");

    private static HashSet<string> Scenarios(string list)
    {
        var chosen = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var unknown = chosen.Except(AllScenarios).ToList();
        return unknown.Count == 0 ? chosen : throw new ArgumentException($"Unknown scenario(s): {string.Join(", ", unknown)}");
    }

    /// <summary>The repository above the current directory (the tool is run from a checkout), else the current directory.</summary>
    private static string FindRepo() => RepositoryPaths.FindAbove(Environment.CurrentDirectory) ?? Environment.CurrentDirectory;
}
