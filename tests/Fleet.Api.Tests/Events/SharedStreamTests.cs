using System.Net;
using System.Text.Json.Nodes;
using Fleet.Api.Events;
using Fleet.Api.Testing.Events;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Fleet.Api.Testing.Events.EventStreams;

namespace Fleet.Api.Tests.Events;

/// <summary>
/// Two API instances on one PostgreSQL database: a stream on A carries what B writes (PostgreSQL NOTIFY: A polls only
/// every 10 minutes here), resumes with Last-Event-ID without gap or duplicate, resets when the id is no longer
/// stored, cuts a slow client, and refuses a malformed id.
/// </summary>
public sealed class SharedStreamTests : IAsyncLifetime
{
    private const int Capacity = 16;

    private FleetApiFactory _a = null!;
    private FleetApiFactory _b = null!;

    public async Task InitializeAsync()
    {
        var database = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("stream");
        var onlyNotify = new Dictionary<string, string?>
        {
            ["Events:PollInterval"] = "00:10:00",
            ["Events:SubscriberCapacity"] = Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        _a = await FleetApiFactory.StartAsync(new FleetApiSettings(database, BrokerSettings.ForEmbedded()) { Extra = onlyNotify });
        _b = await FleetApiFactory.StartAsync(new FleetApiSettings(database, BrokerSettings.ForEmbedded()));
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task StreamOnA_AChangeWrittenByB_ArrivesWithItsIdThenTheView()
    {
        using var http = _a.CreateReader();
        using var stream = await OpenAsync(http);

        var id = await RegisterAsync(_b, "b");

        var seen = new List<(string Type, string Data)>();
        var registered = await stream.Reader.WaitForAsync((type, data) => type == EventStream.FleetEventType && data.Contains(id, StringComparison.Ordinal), seen, EventStreams.Timeout);
        var eventId = stream.Reader.Id;
        var view = await stream.Reader.WaitForAsync((type, _) => type == EventStream.DetectorType, seen, EventStreams.Timeout);
        Assert.Equal(EventTypes.Registered, Parse(registered.Data).Type);
        Assert.Equal(await _a.WithDbAsync(db => db.Events.Where(e => e.DetectorId == id).MinAsync(e => e.Id)), eventId);
        Assert.Contains(id, view.Data, StringComparison.Ordinal);
        Assert.Equal(3000, stream.Reader.Retry);
    }

    [Fact]
    public async Task Reconnect_WithLastEventId_ReplaysExactlyTheMissedEventsOnceThenContinuesLive()
    {
        using var http = _a.CreateReader();
        long last;
        using (var first = await OpenAsync(http))
        {
            await RegisterAsync(_b, "before");
            last = (await StoredIdsAfterAsync(_a, 0))[^1];
            Assert.Equal(last, (await ReadEventIdsThroughAsync(first.Reader, last))[^1]);
        }

        // Missed while disconnected: K detectors registered on B.
        for (var i = 0; i < 5; i++)
        {
            await RegisterAsync(_b, "missed");
        }

        var missed = await StoredIdsAfterAsync(_a, last);
        using var resumed = await OpenAsync(http, last);
        var replayed = await ReadEventIdsThroughAsync(resumed.Reader, missed[^1]);

        Assert.True(missed.Count >= 5, $"{missed.Count} events stored");
        Assert.Equal(missed, replayed);

        // Live after the replay: the next event is the new one, nothing replayed comes twice.
        var after = await RegisterAsync(_b, "after");
        var next = await NextNotViewAsync(resumed.Reader);
        Assert.Equal(after, Parse(next.Data).DetectorId);
        Assert.True(resumed.Reader.Id > missed[^1], $"id {resumed.Reader.Id} after {missed[^1]}");
    }

    [Fact]
    public async Task Reconnect_WithAnIdNoLongerStored_SendsResetThenContinuesLive()
    {
        await RegisterAsync(_b, "old");
        var removed = (await StoredIdsAfterAsync(_a, 0))[^1];

        // As History:Retention does: the oldest events go.
        await _a.WithDbAsync(db => db.Events.Where(e => e.Id <= removed).ExecuteDeleteAsync());
        using var http = _a.CreateReader();
        using var stream = await OpenAsync(http, removed);

        var reset = await NextNotViewAsync(stream.Reader);
        Assert.Equal(EventReplay.ResetType, reset.Type);
        Assert.Equal(removed, JsonNode.Parse(reset.Data)!["lastEventId"]!.GetValue<long>());

        var id = await RegisterAsync(_b, "new");
        Assert.Equal(id, Parse((await NextNotViewAsync(stream.Reader)).Data).DetectorId);
    }

    [Theory]
    [InlineData("Last-Event-ID", "abc")]
    [InlineData("Last-Event-ID", "-1")]
    [InlineData("lastEventId", "12x")]
    public async Task Stream_WithAMalformedLastEventId_Is400ProblemNamingIt(string name, string value)
    {
        using var http = _a.CreateReader();
        using var request = new HttpRequestMessage(HttpMethod.Get, name == "lastEventId" ? $"/events?lastEventId={value}" : "/events");
        if (name != "lastEventId")
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(name, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowClient_FallingMoreThanTheCapacityBehind_IsCutWithOverflowAfterEverythingQueued()
    {
        var live = _a.Services.GetRequiredService<EventStream>();
        using var http = _a.CreateReader();
        var before = live.SubscriberCount;
        using var stream = await OpenAsync(http);
        await Eventually.TrueAsync(() => Task.FromResult(live.SubscriberCount > before), "the stream subscribed");

        // The client reads nothing while large items are published: the response buffers fill, then its queue.
        const long FirstId = 1_000_000_000;
        var big = new JsonObject { ["padding"] = new string('x', 8192) };
        for (var i = 0; i < 200; i++)
        {
            live.Publish(FirstId + i, new FleetEvent { Type = EventTypes.Online, DetectorId = "slow", At = DateTimeOffset.UtcNow, Data = (JsonObject)big.DeepClone() }, view: null);
        }

        var ids = new List<long>();
        (string Type, string Data) item;
        while ((item = await NextNotViewAsync(stream.Reader)).Type == EventStream.FleetEventType)
        {
            ids.Add(stream.Reader.Id!.Value);
        }

        Assert.Equal(EventReplay.OverflowType, item.Type);
        Assert.InRange(ids.Count, 1, 199);
        Assert.Equal(Enumerable.Range(0, ids.Count).Select(i => FirstId + i), ids);
        Assert.Equal(ids[^1], JsonNode.Parse(item.Data)!["lastEventId"]!.GetValue<long>());
        Assert.Null(await stream.Reader.NextAsync(CancellationToken.None));
    }
}
