using System.Diagnostics;
using System.Net;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Api.SystemTests.Metrics;
using Npgsql;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// Issue 7, fault 4: PostgreSQL goes away under the API while detectors publish. Its own throwaway cluster (the test
/// stops it) is crashed with <c>pg_ctl stop -m immediate</c> and started again; and the API's connections are killed
/// mid-transaction (pg_terminate_backend in a loop while it writes). During the outage readiness is 503 and reads fail
/// fast with 503 problem details; afterwards every accepted state is shown and nothing ever went backwards.
/// </summary>
[Trait("Category", "Fault")]
[Trait("Suite", "Long")]
public sealed class DatabaseFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Detectors = 10;
    private static readonly TimeSpan NothingLostWithin = TimeSpan.FromSeconds(15);

    private LocalPostgresCluster _cluster = null!;
    private FaultStack _stack = null!;

    public async Task InitializeAsync()
    {
        _cluster = await LocalPostgresCluster.StartAsync();

        // A short connect timeout, as a deployment would set: a write or read meets the outage in seconds, not 15.
        var connectionString = new NpgsqlConnectionStringBuilder(_cluster.ConnectionString) { Timeout = 3 }.ConnectionString;
        _stack = await FaultStack.StartAsync("fault_db", connectionString: connectionString);
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task DatabaseStoppedImmediate_WhileDetectorsPublish_ReadsFailFastThenEverythingConverges()
    {
        var api = await _stack.StartApiAsync();
        var accepted = new AcceptedStates();
        await using var detectors = await FaultDetectors.CreateAsync(_stack.Broker, accepted, "db", Detectors);
        await detectors.PublishRoundsAsync(epoch: 1, fromSeq: 0, toSeq: 0);
        using var reader = api.CreateReader();
        await accepted.ConvergedAsync(reader, NothingLostWithin, output);
        await using var watcher = await MonotonicWatcher.StartAsync(reader, output);

        var outage = FaultDurations.Pick(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        await _cluster.StopImmediateAsync();
        var stoppedAt = clock.Elapsed;

        // Detectors keep publishing through the outage: the broker acknowledges, the API must hold them unacknowledged.
        long seq = 0;
        var observations = new List<string>();
        while (clock.Elapsed - stoppedAt < outage)
        {
            seq++;
            await detectors.PublishRoundsAsync(epoch: 1, fromSeq: seq, toSeq: seq);
            observations.Add(await ProbeAsync(api, reader, "/health/ready", "/health/ready"));
            observations.Add(await ProbeAsync(api, reader, "/detectors", "/detectors"));
            observations.Add(await ProbeAsync(api, reader, "/detectors/{id}", $"/detectors/{detectors.Ids[0]}"));
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var restartAt = clock.Elapsed;
        await _cluster.StartAgainAsync();
        var backAt = clock.Elapsed;
        output.WriteLine($"[injected] pg_ctl stop -m immediate at {stoppedAt.TotalSeconds:0.0} s, started again at {restartAt.TotalSeconds:0.0} s (accepting at {backAt.TotalSeconds:0.0} s); {Detectors} detectors published seq 1..{seq} meanwhile");
        output.WriteLine($"[observed] during the outage: {string.Join("; ", observations.Distinct())}");

        var took = await accepted.ConvergedAsync(reader, NothingLostWithin, output);
        await api.WaitReadyAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"[observed] every accepted state shown {took.TotalSeconds:0.0} s after the database accepted connections again; ready again at {(clock.Elapsed - backAt).TotalSeconds:0.0} s");
        watcher.AssertMonotonic();

        var ready = observations.Where(o => o.StartsWith("/health/ready", StringComparison.Ordinal)).ToList();
        Assert.Contains(ready, o => o.Contains(" 503 ", StringComparison.Ordinal));
        Assert.DoesNotContain(observations, o => o.Contains(" 500 ", StringComparison.Ordinal));
        var reads = observations.Where(o => o.StartsWith("/detectors", StringComparison.Ordinal)).ToList();
        Assert.All(reads, o => Assert.Matches(@" (200|503) ", o));
        Assert.Contains(reads, o => o.Contains(" 503 application/problem+json Retry-After", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApiConnectionsKilledMidTransaction_WhileItWrites_NothingLostNothingRegresses()
    {
        var api = await _stack.StartApiAsync();
        var accepted = new AcceptedStates();
        await using var detectors = await FaultDetectors.CreateAsync(_stack.Broker, accepted, "tb", Detectors);
        using var reader = api.CreateReader();
        await using var watcher = await MonotonicWatcher.StartAsync(reader, output);

        var duration = FaultDurations.Pick(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(6));
        using var stop = new CancellationTokenSource();
        var killed = 0;
        var killer = Task.Run(async () =>
        {
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_stack.ConnectionString) { ApplicationName = "fault-killer", Pooling = false }.ConnectionString);
            await admin.OpenAsync();
            while (!stop.IsCancellationRequested)
            {
                // Every other backend of this throwaway cluster belongs to the API (its writes, reads and sweeps).
                await using var terminate = new NpgsqlCommand(
                    "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND application_name <> 'fault-killer') t",
                    admin);
                killed += Convert.ToInt32(await terminate.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
                await Task.Delay(TimeSpan.FromMilliseconds(150));
            }
        });

        var clock = Stopwatch.StartNew();
        long seq = -1;
        while (clock.Elapsed < duration)
        {
            seq++;
            await detectors.PublishRoundsAsync(epoch: 1, fromSeq: seq, toSeq: seq);
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        await stop.CancelAsync();
        await killer;
        output.WriteLine($"[injected] pg_terminate_backend on every API connection every 150 ms for {clock.Elapsed.TotalSeconds:0.0} s ({killed} backends killed) while {Detectors} detectors published seq 0..{seq}");
        var took = await accepted.ConvergedAsync(reader, NothingLostWithin, output);
        var metrics = await api.MetricsAsync();
        output.WriteLine($"[observed] every accepted state shown {took.TotalSeconds:0.0} s after the killing stopped; write retries: {metrics.Sum("fleet_ingest_write_retries_total")}; API still running: {!api.HasExited}");
        Assert.True(killed > 0, "the loop killed API connections");
        Assert.False(api.HasExited);
        watcher.AssertMonotonic();
    }

    private static async Task<string> ProbeAsync(ApiProcess api, HttpClient reader, string label, string path)
    {
        var clock = Stopwatch.StartNew();
        using var anonymous = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            using var response = await (label.StartsWith("/health", StringComparison.Ordinal) ? anonymous : reader).GetAsync(path);
            var type = response.Content.Headers.ContentType?.MediaType ?? "-";
            var retry = response.Headers.RetryAfter is null ? string.Empty : " Retry-After";
            return $"{label} {(int)response.StatusCode} {type}{retry} in {Bucket(clock.Elapsed)}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return $"{label} failed ({ex.GetType().Name}) after {clock.Elapsed.TotalSeconds:0.0} s";
        }
    }

    /// <summary>Coarse, so repeated observations collapse into a readable summary.</summary>
    private static string Bucket(TimeSpan elapsed) => elapsed < TimeSpan.FromSeconds(1) ? "< 1 s" : elapsed < TimeSpan.FromSeconds(5) ? "< 5 s" : $"{elapsed.TotalSeconds:0} s";
}
