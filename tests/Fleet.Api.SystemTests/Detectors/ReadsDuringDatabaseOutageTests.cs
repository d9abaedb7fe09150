using System.Diagnostics;
using System.Net;
using Fleet.Api.SystemTests.Faults.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Detectors;

/// <summary>
/// Fault 4 of the reliability suite, the read side: while the database is unreachable (every connection to it cut
/// and refused by a TCP proxy) or not answering (a lock holds every read), readiness fails and the read endpoints
/// answer 503 problem details with Retry-After: no hang, no 500. Afterwards everything answers again. Reads the
/// in-memory registry serves (Detectors:ReadFrom=Memory) need no database while it is exact: under a lock, which cuts
/// no connection and lets nothing commit, they answer 200 from memory; a cut connection makes them read the database.
/// </summary>
[Trait("Category", "Fault")]
public sealed class ReadsDuringDatabaseOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TcpFaultProxy _proxy = null!;
    private FleetApiFactory _api = null!;
    private string _direct = null!;

    public async Task InitializeAsync()
    {
        _direct = await MigratedDatabase.CreateAsync("reads-outage");
        var direct = new NpgsqlConnectionStringBuilder(_direct);
        _proxy = TcpFaultProxy.Start(direct.Host!, direct.Port);
        var proxied = new NpgsqlConnectionStringBuilder(_direct) { Host = _proxy.Host, Port = _proxy.Port, Timeout = 3 };
        // A command timeout longer than the client waits: only the read budget (Database:ReadTimeout) can answer in time.
        _api = await FleetApiFactory.StartAsync(new FleetApiSettings(proxied.ConnectionString, BrokerSettings.ForEmbedded())
        {
            Extra = new Dictionary<string, string?> { ["Database:CommandTimeout"] = "00:02:00" },
        });
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    [Fact]
    public async Task DatabaseUnreachable_ReadinessFailsAndReadsAnswer503WithRetryAfter_ThenEverythingAnswersAgain()
    {
        var id = Messages.NewId("ro");
        await _api.WriteStateAsync(Messages.State(id, 1, 0));
        using var http = Reader();
        var reads = new[] { "/detectors", $"/detectors/{id}", $"/detectors/{id}/history" };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

        var outage = FaultDurations.Pick(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(4));
        _proxy.Block();
        output.WriteLine($"injected: every connection between the API and PostgreSQL reset and refused for {outage.TotalSeconds:0} s");
        var slowest = new Dictionary<string, TimeSpan>();
        var probes = 0;
        var until = DateTime.UtcNow + outage;
        do
        {
            var (ready, readyTook) = await TimedAsync(http, "/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Slowest(slowest, "/health/ready", readyTook);
            foreach (var path in reads)
            {
                var (response, took) = await TimedAsync(http, path);
                await AssertUnavailableAsync(response, path);
                Slowest(slowest, path, took);
            }

            probes++;
        }
        while (DateTime.UtcNow < until);

        output.WriteLine($"observed during the outage ({probes} rounds): every read 503 problem+json with Retry-After, readiness 503; " +
            $"slowest answers: {string.Join(", ", slowest.Select(s => $"{s.Key} {s.Value.TotalMilliseconds:0} ms"))}");

        _proxy.Unblock();
        var recovery = Stopwatch.StartNew();
        await Eventually.TrueAsync(async () => (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "readiness healthy again");
        foreach (var path in reads)
        {
            await Eventually.TrueAsync(async () => (await http.GetAsync(path)).StatusCode == HttpStatusCode.OK, $"{path} answers 200 again");
        }

        var view = await http.GetStringAsync($"/detectors/{id}");
        output.WriteLine($"observed after the outage: readiness and every read 200 again within {recovery.ElapsedMilliseconds} ms");
        Assert.Contains(id, view, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatabaseNotAnswering_ReadsAnswer503WithRetryAfter_InsteadOfWaiting()
    {
        var id = Messages.NewId("rl");
        await _api.WriteStateAsync(Messages.State(id, 1, 0));
        using var http = Reader();

        // An exclusive lock makes every read of the table wait, as a database that stopped answering would.
        await using var locker = new NpgsqlConnection(_direct);
        await locker.OpenAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE detectors, events IN ACCESS EXCLUSIVE MODE", locker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        output.WriteLine("injected: ACCESS EXCLUSIVE lock on detectors and events held by another session");
        var fromMemory = _api.Services.GetRequiredService<Fleet.Api.Registry.DetectorRegistry>().Current is not null;
        foreach (var path in new[] { "/detectors", $"/detectors/{id}", $"/detectors/{id}/history" })
        {
            var (response, took) = await TimedAsync(http, path);
            output.WriteLine($"observed: {path} answered {(int)response.StatusCode} after {took.TotalMilliseconds:0} ms");
            if (fromMemory && !path.EndsWith("/history", StringComparison.Ordinal))
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} from memory: {(int)response.StatusCode}");
                Assert.Contains(id, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            else
            {
                await AssertUnavailableAsync(response, path);
            }
        }

        await transaction.RollbackAsync();
        var after = await Eventually.GetAsync(() => http.GetAsync($"/detectors/{id}"), r => r.StatusCode == HttpStatusCode.OK, "the read answers once the lock is gone");
        output.WriteLine($"observed after releasing the lock: /detectors/{{id}} {(int)after.StatusCode}");
    }

    /// <summary>A hang fails the test here instead of after HttpClient's default 100 s; it is a bound, not a speed check.</summary>
    private HttpClient Reader()
    {
        var http = _api.CreateReader();
        http.Timeout = TimeSpan.FromSeconds(30);
        return http;
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response, string path)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"{path}: Retry-After missing");
        Assert.Contains("Database unavailable", body, StringComparison.Ordinal);
    }

    private static async Task<(HttpResponseMessage Response, TimeSpan Took)> TimedAsync(HttpClient http, string path)
    {
        var watch = Stopwatch.StartNew();
        var response = await http.GetAsync(path);
        await response.Content.LoadIntoBufferAsync();
        return (response, watch.Elapsed);
    }

    private static void Slowest(Dictionary<string, TimeSpan> slowest, string key, TimeSpan took) =>
        slowest[key] = slowest.TryGetValue(key, out var previous) && previous > took ? previous : took;
}
