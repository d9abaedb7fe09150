using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Fleet.Api.Events;

/// <summary>
/// Resuming a stream: the client names the last event it got (<c>Last-Event-ID</c>, which <c>EventSource</c> sends by
/// itself on reconnect, or <c>?lastEventId=</c> for clients that cannot set headers) and gets every event stored after
/// it, in id order, each with its detector's current view; or, when that event is no longer stored (History:Retention
/// removed it), one <c>event: reset</c>: the client reloads its view. Also the text of every stream item.
/// </summary>
internal static class EventReplay
{
    public const string HeaderName = "Last-Event-ID";
    public const string QueryName = "lastEventId";
    public const string ResetType = "reset";
    public const string OverflowType = "overflow";

    /// <summary>The id asked for (null: none, a fresh stream), or false with a message naming the bad value.</summary>
    public static bool TryParse(HttpRequest request, out long? lastId, out string? error)
    {
        var header = request.Headers[HeaderName].ToString();
        var (name, value) = header.Length > 0 ? (HeaderName, header) : (QueryName, request.Query[QueryName].ToString());
        lastId = null;
        error = null;
        if (value.Length == 0)
        {
            return true;
        }

        if (long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            lastId = id;
            return true;
        }

        var shown = value.Length > 40 ? value[..40] + "…" : value;
        error = $"{name} must be the id of an event this stream sent (a whole number, 0 or more), not '{shown}'. Omit it to start a fresh stream.";
        return false;
    }

    /// <summary>
    /// Writes what the client missed after <paramref name="lastId"/>; returns the id of the last event written (live
    /// items up to it are skipped), or 0 after a reset (every live item is new to a client that reloads).
    /// </summary>
    public static async Task<long> WriteAsync(HttpResponse response, StoredEvents stored, long lastId, CancellationToken ct)
    {
        if (!await stored.ExistsAsync(lastId, ct))
        {
            var reset = new JsonObject
            {
                ["reason"] = $"event {lastId} is no longer in the history (History:Retention) or was never stored: reload the view; the stream continues live",
                ["lastEventId"] = lastId,
            };
            await WriteAndFlushAsync(response, $"event: {ResetType}\ndata: {reset.ToJsonString()}\n\n", ct);
            return 0;
        }

        var cursor = lastId;
        while (true)
        {
            var batch = await stored.ReadAfterAsync(cursor, EventFeed.BatchSize, ct);
            if (batch.Count == 0)
            {
                return cursor;
            }

            var text = new StringBuilder();
            foreach (var item in batch)
            {
                Append(text, EventStream.EventItem(item.Id, item.Event));
                if (item.View is { } view)
                {
                    Append(text, EventStream.ViewItem(item.Id, view));
                }
            }

            await WriteAndFlushAsync(response, text.ToString(), ct);
            cursor = batch[^1].Id;
        }
    }

    /// <summary>One item: <c>id:</c> (stored events only: the id the client resumes from), <c>event:</c>, <c>data:</c>.</summary>
    public static void Append(StringBuilder text, EventStream.StreamItem item)
    {
        if (item.Id is { } id && item.Type == EventStream.FleetEventType)
        {
            text.Append("id: ").Append(id.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        // The JSON is a single line (no indentation), so one data: line carries it.
        text.Append("event: ").Append(item.Type).Append('\n').Append("data: ").Append(item.Json).Append("\n\n");
    }

    /// <summary>The last item of a stream cut because its client read too slowly.</summary>
    public static string Overflow(int capacity, long lastId)
    {
        var overflow = new JsonObject
        {
            ["reason"] = $"the client fell more than {capacity} items behind (Events:SubscriberCapacity): reconnect with Last-Event-ID",
            ["lastEventId"] = lastId,
        };
        return $"event: {OverflowType}\ndata: {overflow.ToJsonString()}\n\n";
    }

    public static async Task WriteAndFlushAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.WriteAsync(text, ct);
        await response.Body.FlushAsync(ct);
    }
}
