using System.Globalization;

using Fleet.Testing.Processes;
using Fleet.Benchmarks.Infrastructure;
using Fleet.Benchmarks.Reporting;
using Fleet.Benchmarks.Scenarios;

namespace Fleet.Benchmarks;

/// <summary>
/// Starts PostgreSQL, Mosquitto and (per run) the API, provisions the simulated fleet, runs every scenario with its
/// ceiling R times, writes docs/benchmarks and prints the table. A failing scenario is recorded, never fatal to the rest.
/// </summary>
internal static class BenchmarkRunner
{
    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var started = DateTimeOffset.UtcNow;
        var work = Directory.CreateTempSubdirectory("fleet-bench-").FullName;
        File.SetUnixFileMode(work, (UnixFileMode)0b111_101_101);
        var records = new List<RunRecord>();
        var failures = new List<string>();
        var machine = await MachineInfo.CollectAsync();
        machine["mosquitto"] = await BenchBroker.VersionAsync();
        machine["wrk"] = await Wrk.VersionAsync();
        var settingsOut = Describe(settings);
        Log.Line($"fleet-bench: work directory {work}; {settings.Runs} run(s){(settings.Quick ? " (quick)" : string.Empty)}");

        BenchDatabase? database = null;
        BenchBroker? broker = null;
        BenchContext? context = null;
        try
        {
            database = await BenchDatabase.StartAsync();
            machine["postgres"] = await database.ScalarAsync<string>("SHOW server_version");
            await database.ExecuteAsync($"CREATE DATABASE {BenchContext.FleetDatabase}");
            Log.Line($"PostgreSQL: {database.Description}");

            broker = new BenchBroker(Path.Combine(work, "mosquitto"), Math.Max(10000, 4 * settings.ProvisionCount));
            settingsOut["mosquitto.max_queued_messages"] = broker.MaxQueuedMessages;
            await broker.CreateFilesAsync(settings.Repo);
            context = new BenchContext(settings, work, database, broker, new SimCli(settings.SimAssembly, work));
            await ProvisionAsync(context);

            // The upsert ceiling gets the same schema (migrated by provision-many) in a database of its own.
            await database.ExecuteAsync($"CREATE DATABASE {BenchContext.CeilingDatabase} TEMPLATE {BenchContext.FleetDatabase}");
            if (settings.Includes("memory"))
            {
                // The registry's memory scenario fills a database of its own (the same schema) with its 100,000 detectors.
                await database.ExecuteAsync($"CREATE DATABASE {RegistryMemoryScenario.Database} TEMPLATE {BenchContext.FleetDatabase}");
            }

            await broker.StartAsync();
            Log.Line($"Mosquitto on 127.0.0.1:{broker.Port} (max_queued_messages {broker.MaxQueuedMessages})");

            for (var run = 1; run <= settings.Runs; run++)
            {
                Log.Line($"--- run {run} of {settings.Runs}");
                await OneRunAsync(context, run, records, failures);
            }
        }
        catch (Exception ex)
        {
            failures.Add($"setup: {ex.Message}");
            Log.Line($"setup failed: {ex}");
        }
        finally
        {
            if (context?.Api is { } api)
            {
                await api.DisposeAsync();
            }

            if (broker is not null)
            {
                await broker.DisposeAsync();
            }

            if (database is not null)
            {
                await database.DisposeAsync();
            }
        }

        if (settings.Includes("agent") && settings.AgentMode != "skip")
        {
            var record = new RunRecord("agent", 1);
            records.Add(record);
            await GuardAsync("agent footprint", record, failures, () => AgentFootprint.RunAsync(new BenchContext(settings, work, null!, null!, null!), record));
        }

        machine["loadAverageAtEnd"] = MachineInfo.LoadAverage();
        var table = await ResultsWriter.WriteAsync(settings.Repo, machine, settingsOut, records, failures, started, DateTimeOffset.UtcNow);
        await Console.Out.WriteLineAsync(table);
        if (failures.Count > 0)
        {
            await Console.Out.WriteLineAsync();
            await Console.Out.WriteLineAsync($"{failures.Count} failure(s):");
            failures.ForEach(f => Console.Out.WriteLine($"- {f}"));
        }

        await Console.Out.WriteLineAsync($"\nWritten: docs/benchmarks/README.md, docs/benchmarks/results.json ({(DateTimeOffset.UtcNow - started).TotalMinutes:0.0} min)");
        try
        {
            // Logs (never the credentials) stay for a look after the run; the work directory goes.
            var logs = Path.Combine(settings.Repo, "artifacts", "bench", "logs");
            if (Directory.Exists(logs))
            {
                Directory.Delete(logs, recursive: true);
            }

            Directory.CreateDirectory(logs);
            foreach (var log in Directory.EnumerateFiles(work, "*.log", SearchOption.AllDirectories))
            {
                File.Copy(log, Path.Combine(logs, Path.GetFileName(log)), overwrite: true);
            }

            Directory.Delete(work, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.Line($"could not delete {work}: {ex.Message}");
        }

        return failures.Count == 0 ? 0 : 1;
    }

    private static async Task OneRunAsync(BenchContext context, int run, List<RunRecord> records, List<string> failures)
    {
        var s = context.Settings;
        RunRecord? ingest = null;
        if (s.Includes("ingest"))
        {
            ingest = new RunRecord("ingest", run);
            records.Add(ingest);
            await StopApiAsync(context);
            await GuardAsync($"run {run} ingest upsert ceiling", ingest, failures, () => IngestScenario.UpsertCeilingAsync(context, ingest));
            await GuardAsync($"run {run} ingest broker ceiling", ingest, failures, () => IngestScenario.BrokerCeilingAsync(context, ingest));
        }

        // Every API scenario gets a freshly started API, idle once it has worked off the retained messages it is sent
        // at subscribe: a backlog one scenario leaves in the broker (the API keeps no session) never delays the next.
        if (ingest is not null && await RestartApiAsync(context, run, failures))
        {
            await SettleAsync(context, ingest);
            await GuardAsync($"run {run} ingest end to end", ingest, failures, () => IngestScenario.EndToEndAsync(context, ingest));
            await SaveMetricsAsync(context, $"run{run}-ingest");
        }

        foreach (var (name, scenario) in new (string, Func<BenchContext, RunRecord, Task>)[]
        {
            ("freshness", FreshnessScenario.RunAsync),
            ("storm", StormScenario.RunAsync),
            ("reads", ReadsScenario.RunAsync),
        })
        {
            if (s.Includes(name))
            {
                var record = new RunRecord(name, run);
                records.Add(record);
                if (!await RestartApiAsync(context, run, failures))
                {
                    record.Error = "the API did not start";
                    continue;
                }

                await SettleAsync(context, record);
                await GuardAsync($"run {run} {name}", record, failures, () => scenario(context, record));
                await SaveMetricsAsync(context, $"run{run}-{name}");
                if (context.Api is { } api && ProcessMemory.PeakMb(api.Pid) is { } peak)
                {
                    record.Set("apiVmHwmMb", peak);
                }
            }
        }

        // Issue 18: these start their own API processes (two instances; the API on another database).
        foreach (var (name, scenario) in new (string, Func<BenchContext, RunRecord, Task>)[]
        {
            ("cross", CrossInstanceScenario.RunAsync),
            ("memory", RegistryMemoryScenario.RunAsync),
        })
        {
            if (s.Includes(name))
            {
                var record = new RunRecord(name, run);
                records.Add(record);
                await StopApiAsync(context);
                await GuardAsync($"run {run} {name}", record, failures, () => scenario(context, record));
                await SaveMetricsAsync(context, $"run{run}-{name}");
            }
        }

        if (s.Includes("probe"))
        {
            // The probe scenario starts the API itself, twice: without probing, then with it.
            var record = new RunRecord("probe", run);
            records.Add(record);
            await StopApiAsync(context);
            await GuardAsync($"run {run} probe", record, failures, () => ProbeScenario.RunAsync(context, record));
            await SaveMetricsAsync(context, $"run{run}-probe");
        }

        if (s.Includes("alerts"))
        {
            // Like the probe, the alert storm starts its own API (with an admin key and the receiver allowed).
            var record = new RunRecord("alerts", run);
            records.Add(record);
            await StopApiAsync(context);
            await GuardAsync($"run {run} alerts", record, failures, () => AlertStormScenario.RunAsync(context, record));
            await SaveMetricsAsync(context, $"run{run}-alerts");
        }

        await StopApiAsync(context);
    }

    /// <summary>Each scenario starts on an idle API: what the previous one left queued is worked off first (bounded).</summary>
    private static async Task SettleAsync(BenchContext context, RunRecord record)
    {
        if (context.Api is not { } api)
        {
            return;
        }

        try
        {
            var limit = TimeSpan.FromSeconds(context.Settings.Quick ? 30 : 90);
            var (settled, seconds) = await api.SettleAsync(TimeSpan.FromSeconds(2), limit);
            record.Set("settleSeconds", seconds);
            if (!settled)
            {
                record.Notes.Add($"the API was still working off a backlog after {limit.TotalSeconds:0} s; the scenario ran anyway");
            }

            Log.Line($"  API idle after {seconds:0.0} s{(settled ? string.Empty : " (NOT settled: backlog left)")}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            record.Notes.Add($"could not read /metrics to wait for an idle API: {ex.Message}");
        }
    }

    /// <summary>The API's /metrics after a scenario (batch sizes, ingest lag, HTTP durations), kept with the logs.</summary>
    private static async Task SaveMetricsAsync(BenchContext context, string name)
    {
        if (context.Api is not { } api)
        {
            return;
        }

        try
        {
            await File.WriteAllTextAsync(Path.Combine(context.Work, $"api-metrics-{name}.log"), await api.Client.GetStringAsync("/metrics"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            Log.Line($"  could not save /metrics: {ex.Message}");
        }
    }

    private static async Task<bool> RestartApiAsync(BenchContext context, int run, List<string> failures)
    {
        await StopApiAsync(context);
        try
        {
            context.Api = await ApiServer.StartAsync(
                context.Settings.ApiDirectory, context.FleetConnectionString, context.Broker, Path.Combine(context.Work, $"api-run{run}-{DateTime.UtcNow:HHmmss}.log"));
            Log.Line($"API on {context.Api.BaseUrl} (pid {context.Api.Pid})");
            return true;
        }
        catch (Exception ex)
        {
            failures.Add($"run {run}: the API did not start: {ex.Message}");
            Log.Line($"the API did not start: {ex}");
            return false;
        }
    }

    private static async Task StopApiAsync(BenchContext context)
    {
        if (context.Api is { } api)
        {
            context.Api = null;
            await api.DisposeAsync();
        }
    }

    private static async Task GuardAsync(string what, RunRecord record, List<string> failures, Func<Task> body)
    {
        Log.Line(what);
        try
        {
            await body();
        }
        catch (Exception ex)
        {
            record.Error = record.Error is null ? ex.Message : $"{record.Error}; {ex.Message}";
            failures.Add($"{what}: {ex.Message}");
            Log.Line($"  FAILED: {ex}");
        }
    }

    private static async Task ProvisionAsync(BenchContext context)
    {
        var s = context.Settings;
        var count = s.ProvisionCount.ToString(CultureInfo.InvariantCulture);
        Log.Line($"provisioning {count} detectors (fleet-api detectors provision-many)");
        var (exitCode, output, error) = await ChildProcess.RunAsync(
            "dotnet",
            [
                Path.Combine(s.ApiDirectory, "fleet-api.dll"), "detectors", "provision-many", "--count", count, "--prefix", "sim-",
                "--out", context.CredentialsFile, "--mosquitto-passwd", context.Broker.PasswordFile,
                "--Database:Provider=Postgres", $"--ConnectionStrings:Fleet={context.FleetConnectionString}",
            ],
            TimeSpan.FromMinutes(10),
            s.ApiDirectory);
        if (exitCode != 0 || !File.Exists(context.CredentialsFile))
        {
            throw new InvalidOperationException($"provision-many exited with {exitCode}: {output} {error.Split('\n').LastOrDefault()}");
        }
    }

    private static SortedDictionary<string, object> Describe(BenchSettings s)
    {
        var d = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["runs"] = s.Runs,
            ["quick"] = s.Quick,
            ["scenarios"] = s.Only.Order(StringComparer.Ordinal).ToList(),
            ["ingest.fleet"] = s.IngestFleet,
            ["ingest.offeredRate"] = s.IngestOfferedRate,
            ["ingest.urlChurn"] = s.UrlChurn,
            ["ingest.heartbeatSeconds"] = s.HeartbeatSeconds,
            ["ingest.seconds"] = s.IngestSeconds,
            ["ingest.warmupSeconds"] = $"{s.IngestWarmupSeconds} s of the same load on the freshly started API before the end-to-end window, not measured (JIT tier-up)",
            ["ingest.upsertSeconds"] = s.UpsertSeconds,
            ["ingest.upsertBatch"] = s.UpsertBatch,
            ["freshness.fleet"] = s.FreshnessFleet,
            ["freshness.backgroundRate"] = s.FreshnessBackgroundRate,
            ["freshness.changes"] = s.FreshnessChanges,
            ["cross.samples"] = $"{s.CrossSamples} PATCHes on B, one every ~30 ms over 10 detectors of the freshness fleet; A ingests nothing (embedded broker on its own port)",
            ["memory.fleet"] = $"{s.MemoryFleet} detectors, 2 tunnels each, COPY into a database of their own; RSS 5 s after one full page",
            ["storm.fleet"] = s.StormFleet,
            ["storm.timeoutSeconds"] = s.StormTimeoutSeconds,
            ["probe.fleet"] = $"{s.ProbeFleet} detectors, 2 tunnels each, on stand-in endpoints 127.1.x.y (Probe:Resolve, Probe:AllowedNetworks 127.0.0.0/8)",
            ["probe.intervalSeconds"] = s.ProbeIntervalSeconds,
            ["probe.timeoutSeconds"] = s.ProbeTimeoutSeconds,
            ["probe.down"] = s.ProbeDown,
            ["probe.ingestSeconds"] = s.ProbeIngestSeconds,
            ["alerts.fleet"] = $"{s.AlertsFleet} detectors (after the ingest fleet) tagged over {s.AlertsSites} sites, fleet-sim --will-delay 0 --heartbeat 3600, killed (SIGKILL) for each storm",
            ["alerts.rule"] = $"lost, forSeconds {s.AlertsDampingSeconds}, groupBy tag, groupWindowSeconds {s.AlertsGroupWindowSeconds}, every detector; webhook to a receiver in fleet-bench on 127.0.0.1 (Alerts:AllowedNetworks 127.0.0.0/8, Alerts:Delivery:AllowHttp)",
            ["alerts.ingestSeconds"] = s.AlertsIngestSeconds,
            ["reads.wrk"] = $"-t{s.WrkThreads} -c{s.WrkConnections} -d{s.WrkSeconds}s --latency",
            ["agent"] = s.AgentMode == "run" ? $"benchmarks/agent-footprint.sh run with DURATION={s.AgentSeconds}" : s.AgentMode,
            ["postgres"] = BenchDatabase.Settings,
            ["mosquitto"] = "infra/mosquitto/acl; set_tcp_nodelay true; max_inflight_messages 0; persistence false; use_username_as_clientid true; connection_messages false",
        };
        foreach (var (key, value) in ApiServer.PublicSettings)
        {
            d[$"api.{key}"] = value;
        }

        return d;
    }
}
