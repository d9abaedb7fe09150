using System.Text.Json;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Testing.Events;

/// <summary>Opening <c>GET /events</c> (optionally resuming) and reading what it carries, for the stream tests.</summary>
public static class EventStreams
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>An open stream (its response and reader; dispose both to drop the connection).</summary>
    public sealed record Open(HttpResponseMessage Response, SseReader Reader) : IDisposable
    {
        public void Dispose()
        {
            Reader.Dispose();
            Response.Dispose();
        }
    }

    public static async Task<Open> OpenAsync(HttpClient http, long? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events");
        if (lastEventId is { } id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new Open(response, new SseReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>The ids of the fleet-event items read until (and with) <paramref name="lastId"/>; throws if the stream ends or stalls.</summary>
    public static async Task<List<long>> ReadEventIdsThroughAsync(SseReader sse, long lastId)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var ids = new List<long>();
        while (ids.Count == 0 || ids[^1] < lastId)
        {
            var item = await sse.NextAsync(cts.Token) ?? throw new InvalidOperationException($"the stream ended after ids {string.Join(",", ids)}");
            if (item.Type == "fleet-event")
            {
                ids.Add(sse.Id ?? throw new InvalidOperationException("a fleet-event without id: " + item.Data));
            }
        }

        return ids;
    }

    /// <summary>The next event of the stream that is not a detector view.</summary>
    public static async Task<(string Type, string Data)> NextNotViewAsync(SseReader sse)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            var item = await sse.NextAsync(cts.Token) ?? throw new InvalidOperationException("the stream ended");
            if (item.Type != "detector")
            {
                return item;
            }
        }
    }

    /// <summary>Ids of the stored events after <paramref name="after"/>, oldest first.</summary>
    public static Task<List<long>> StoredIdsAfterAsync(FleetApiFactory api, long after) =>
        api.WithDbAsync(db => db.Events.Where(e => e.Id > after).OrderBy(e => e.Id).Select(e => e.Id).ToListAsync());

    /// <summary>Writes a new detector's first state (a `registered` event, at least) through the API's own writer.</summary>
    public static async Task<string> RegisterAsync(FleetApiFactory api, string prefix)
    {
        var id = Messages.NewId(prefix);
        await api.WriteStateAsync(Messages.State(id, 1, 0));
        return id;
    }

    public static FleetEvent Parse(string data) => JsonSerializer.Deserialize(data, FleetJsonContext.Default.FleetEvent)!;
}
