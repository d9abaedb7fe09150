using Fleet.Api.Events;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Api.Testing.Events;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Npgsql;
using Xunit.Abstractions;
using static Fleet.Api.Testing.Events.EventStreams;

namespace Fleet.Api.SystemTests.Alerts;

/// <summary>
/// Issue 15, "done when" 1, as a new user would try it: two API processes on one PostgreSQL database behind one MQTT 5
/// shared subscription on Mosquitto. A dashboard's stream on A shows a change B ingested (the test checks B's ingest
/// counter to know which instance wrote it); dropped and resumed with Last-Event-ID, it gets exactly the changes it
/// missed, in order, once, then the live ones. Long: two API processes start (over 20 s on a loaded machine); the fast
/// in-process twin is Fleet.Api.Tests' SharedStreamTests.
/// </summary>
[Trait("Suite", "Long")]
public sealed class StreamAcrossInstancesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Missed = 5;
    private static readonly Dictionary<string, string?> Shared = new() { ["Mqtt:SharedGroup"] = "fleet-api" };

    private FaultStack _stack = null!;

    public async Task InitializeAsync() => _stack = await FaultStack.StartAsync("stream_instances");

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task StreamOnA_ChangeIngestedByB_ShownThenResumeReplaysExactlyTheMissedOnce()
    {
        var a = await _stack.StartApiAsync("api-a", extra: Shared);
        var b = await _stack.StartApiAsync("api-b", second: true, extra: Shared);
        var id = Messages.NewId("sse");
        var password = Fleet.Api.Auth.SecretHash.NewSecret();
        await _stack.Broker.AddUserAsync(id, password);
        await using var pi = await MqttTestClient.ConnectAsync(_stack.Broker.Host, _stack.Broker.Port, id, password);
        using var readerA = a.CreateReader();
        readerA.Timeout = System.Threading.Timeout.InfiniteTimeSpan;

        long seq = 0;
        long last;
        string byB;
        using (var stream = await OpenAsync(readerA))
        {
            // One change at a time until one was ingested by B: the shared subscription deals them out in turn.
            while (true)
            {
                var before = (A: await AppliedAsync(a), B: await AppliedAsync(b));
                var url = await PublishUrlAsync(pi, id, ++seq);
                var after = await Eventually.GetAsync(
                    async () => (A: await AppliedAsync(a), B: await AppliedAsync(b)),
                    now => now.A + now.B > before.A + before.B,
                    $"state {seq} ingested by one of the two instances");
                if (after.B > before.B && seq > 1)
                {
                    byB = url;
                    break;
                }

                Assert.True(seq < 10, "B ingested none of 10 consecutive states: the subscription is not shared");
            }

            var seen = new List<(string Type, string Data)>();
            await stream.Reader.WaitForAsync((type, data) => type == EventStream.FleetEventType && To(data) == byB, seen, EventStreams.Timeout);
            last = stream.Reader.Id ?? throw new InvalidOperationException("a fleet-event without id");
            output.WriteLine($"[observed] the stream on api-a showed {byB} (ingested by api-b, state {seq}) as event {last} after {seen.Count} items");
        }

        // The dashboard is gone; N more changes happen meanwhile, whichever instance ingests them (one after the
        // other: two in flight at once on two instances could commit out of order, and the older one is then stale).
        var missedUrls = new List<string>();
        for (var i = 1; i <= Missed; i++)
        {
            missedUrls.Add(await PublishUrlAsync(pi, id, ++seq));
            await Eventually.TrueAsync(async () => (await StoredIdsAfterAsync(last)).Count == i, $"missed change {i} stored");
        }

        var stored = await StoredIdsAfterAsync(last);

        using var resumed = await OpenAsync(readerA, last);
        var replayed = new List<(long Id, string To)>();
        while (replayed.Count < Missed)
        {
            var item = await NextNotViewAsync(resumed.Reader);
            Assert.Equal(EventStream.FleetEventType, item.Type);
            replayed.Add((resumed.Reader.Id!.Value, To(item.Data)!));
        }

        // Live after the replay: the next item is the next change, so nothing was replayed twice or left out.
        var liveUrl = await PublishUrlAsync(pi, id, ++seq);
        var live = await NextNotViewAsync(resumed.Reader);
        output.WriteLine($"[observed] resumed after {last}: replayed {string.Join(", ", replayed.Select(r => r.Id))}; then live {resumed.Reader.Id}");

        Assert.Equal(stored, replayed.Select(r => r.Id));
        Assert.Equal(missedUrls, replayed.Select(r => r.To));
        Assert.Equal((EventStream.FleetEventType, liveUrl), (live.Type, To(live.Data)));
        Assert.True(resumed.Reader.Id > stored[^1], $"live id {resumed.Reader.Id} after {stored[^1]}");
    }

    private static async Task<string> PublishUrlAsync(MqttTestClient pi, string id, long seq)
    {
        var url = FaultDetectors.Url(id, 1, seq);
        var result = await pi.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, seq, url)));
        Assert.True(result.IsSuccess, $"PUBACK {result.ReasonCode}");
        return url;
    }

    /// <summary>The new URL of a url-changed event; null for any other event.</summary>
    private static string? To(string data) =>
        Parse(data) is { Type: EventTypes.UrlChanged } e ? e.Data?["to"]?.GetValue<string>() : null;

    private static async Task<double> AppliedAsync(ApiProcess api) => (await api.MetricsAsync()).Sum("fleet_ingest_applied_total");

    private async Task<List<long>> StoredIdsAfterAsync(long after)
    {
        await using var connection = new NpgsqlConnection(_stack.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM events WHERE id > @after ORDER BY id", connection);
        command.Parameters.AddWithValue("after", after);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }
}
