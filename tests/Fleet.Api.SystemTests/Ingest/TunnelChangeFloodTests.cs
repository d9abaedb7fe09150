using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Fleet.Api.Data;
using Fleet.Api.Ingest;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Api.SystemTests.Ingest;

/// <summary>
/// Issue 11, finding 8: one detector sent 3,000 URL changes in half a second and each became a history row kept for
/// 90 days and a registry/live update. Through the real embedded broker and the API on both databases (the history
/// insert differs: PostgreSQL arrays, SQLite through EF), with the API on a fake clock so the budget is exact.
/// </summary>
[Trait("Suite", "Long")]
public sealed class TunnelChangeFloodTests
{
    private const int Changes = 3000;
    private const int Burst = 10;
    private static readonly string[] TunnelEvents = [EventTypes.TunnelAdded, EventTypes.UrlChanged, EventTypes.TunnelRemoved];

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task UrlFlood_3000ChangesFromOneDetector_RowEndsAtLastUrlHistoryIsBoundedAndEndsThere(string provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var stack = await ApiStack.StartAsync(provider, clock);
        var api = stack.Api;
        var id = Messages.NewId("flood");
        await using var detector = await MqttTestClient.ConnectAsync(stack.Broker.Host, stack.Broker.Port, id, await api.ProvisionEmbeddedDetectorAsync(id));

        // The attack: every state a new URL, as fast as the broker takes them (a window of QoS 1 publishes in flight).
        foreach (var window in Enumerable.Range(0, Changes).Chunk(100))
        {
            var acks = await Task.WhenAll(window.Select(seq =>
                detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, seq, Url(seq))))));
            Assert.All(acks, a => Assert.True(a.IsSuccess, $"PUBACK {a.ReasonCode}"));
        }

        // The row is the newest state; the burst made its events, the rest waits (the clock has not moved).
        var row = await StoredAsync(api, id, Changes - 1);
        Assert.Equal(Url(Changes - 1), Assert.Single(row.Tunnels).Url);
        await Eventually.TrueAsync(() => Task.FromResult(api.Metrics.CoalescedTotal == Changes - Burst), "every change over the burst is counted");
        Assert.Equal(Burst, (await TunnelHistoryAsync(api, id)).Count);

        // One refill later the flusher writes where the detector is now, even though it has gone quiet.
        clock.Advance(TimeSpan.FromMinutes(1.0 / 20));
        var history = await Eventually.GetAsync(() => TunnelHistoryAsync(api, id), h => h.Count > Burst, "the coalesced change reaches the history");

        Assert.Equal(Burst + 1, history.Count);
        var last = history[^1];
        Assert.Equal(EventTypes.UrlChanged, last.Type);
        var data = JsonNode.Parse(last.Data!)!.AsObject();
        Assert.Equal(Url(Burst - 1), (string?)data["from"]);
        Assert.Equal(Url(Changes - 1), (string?)data["to"]);
        Assert.Equal(Changes - Burst, (int?)data["coalesced"]);

        // The same through the history endpoint (newest first), as operators and docs/CONTRACT.md see it, and the
        // excess in the Prometheus scrape (at least this detector's: every API instance in the test process feeds the
        // same meter, so another test's coalescing may add to it; this instance's own count is checked above).
        using var http = api.CreateReader();
        await Eventually.TrueAsync(
            async () => PrometheusText.Parse(await http.GetStringAsync("/metrics")).Sum("fleet_ingest_coalesced_total") >= Changes - Burst,
            "the scrape shows fleet_ingest_coalesced_total");
        var newest = (await http.GetFromJsonAsync<List<FleetEvent>>($"/detectors/{id}/history?type=url-changed&limit=1"))!;
        Assert.Equal(Url(Changes - 1), (string?)Assert.Single(newest).Data!["to"]);
        Assert.Equal(Changes - Burst, (int?)newest[0].Data!["coalesced"]);

        // One warning names the detector and the count (at most one per detector and Ingest:RejectionLogInterval).
        var warning = Assert.Single(stack.Log.Lines, l => l.Contains("Ingest:ChangesPerDetectorPerMinute", StringComparison.Ordinal));
        Assert.Contains(id, warning, StringComparison.Ordinal);
        Assert.Contains($"{Changes - Burst} change(s)", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task AgentRestarts_OneUrlChangePerRestart_AreNeverCoalesced(string provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var stack = await ApiStack.StartAsync(provider, clock);
        var api = stack.Api;
        var id = Messages.NewId("calm");
        var password = await api.ProvisionEmbeddedDetectorAsync(id);

        // A Pi whose ngrok restarts (new URL, new epoch) a few minutes apart, and heartbeats in between. One broker
        // connection carries every epoch: the budget looks at the states, not at connections, and reconnecting at once
        // with the same client id meets a race in MQTTnet 5.2's server (the ending connection's clean-up can stop the
        // new one), which is not what this test is about.
        const int restarts = 30;
        await using var detector = await MqttTestClient.ConnectAsync(stack.Broker.Host, stack.Broker.Port, id, password);
        for (var epoch = 1; epoch <= restarts; epoch++)
        {
            for (var seq = 0; seq < 3; seq++)
            {
                var ack = await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, epoch, seq, Url(epoch))));
                Assert.True(ack.IsSuccess, $"PUBACK {ack.ReasonCode}");
            }

            await StoredAsync(api, id, 2, epoch);
            clock.Advance(TimeSpan.FromMinutes(3));
        }

        var history = await TunnelHistoryAsync(api, id);
        Assert.Equal(restarts, history.Count);
        Assert.Equal(0, api.Metrics.CoalescedTotal);
        Assert.Equal(Url(restarts), (string?)JsonNode.Parse(history[^1].Data!)!["to"]);
    }

    private static string Url(int n) => $"https://u{n}.ngrok-free.app";

    // A PUBACK comes from the broker, not after the API's commit: wait for the row.
    private static Task<DetectorRecord> StoredAsync(FleetApiFactory api, string id, long seq, long epoch = 1) =>
        Eventually.GetAsync(
            () => api.WithDbAsync(db => db.Detectors.AsNoTracking().Include(d => d.Tunnels).SingleOrDefaultAsync(d => d.Id == id)),
            d => d is not null && d.Epoch == epoch && d.Seq == seq,
            $"{id} is stored at epoch {epoch}, seq {seq}")!;

    private static Task<List<EventRecord>> TunnelHistoryAsync(FleetApiFactory api, string id) =>
        api.WithDbAsync(db => db.Events.AsNoTracking()
            .Where(e => e.DetectorId == id && TunnelEvents.Contains(e.Type))
            .OrderBy(e => e.Id)
            .ToListAsync());

    /// <summary>The API with its embedded broker on a fresh database of either provider.</summary>
    private sealed class ApiStack : IAsyncDisposable
    {
        private string? _file;

        public FleetApiFactory Api { get; private set; } = null!;

        public BrokerSettings Broker { get; } = BrokerSettings.ForEmbedded();

        public CapturingLoggerProvider Log { get; } = new();

        public static async Task<ApiStack> StartAsync(string provider, TimeProvider clock)
        {
            var stack = new ApiStack();
            string connectionString;
            if (provider == "Sqlite")
            {
                stack._file = Path.Combine(Path.GetTempPath(), $"fleet-flood-{Guid.NewGuid():N}.db");
                connectionString = $"Data Source={stack._file}";
            }
            else
            {
                connectionString = await MigratedDatabase.CreateAsync("flood");
            }

            stack.Api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, stack.Broker)
            {
                Provider = provider,
                Clock = clock,
                LoggerProvider = stack.Log,

                // The defaults, spelled out: the assertions count on them. No presence sweeper on a clock that jumps.
                Extra = new Dictionary<string, string?>
                {
                    ["Ingest:ChangesPerDetectorPerMinute"] = "20",
                    ["Ingest:ChangeBurst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Presence:Enabled"] = "false",
                },
            });
            return stack;
        }

        public async ValueTask DisposeAsync()
        {
            await Api.DisposeAsync();
            if (_file is not null)
            {
                SqliteConnection.ClearAllPools();
                foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
                {
                    File.Delete(file);
                }
            }
        }
    }
}
