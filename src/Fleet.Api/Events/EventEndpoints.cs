using System.Globalization;
using System.Text;
using Fleet.Api.Auth;
using Fleet.Api.Limits;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Events;

/// <summary>
/// <c>GET /events</c>: Server-Sent Events of every committed change, <c>event: fleet-event</c> (a contract event)
/// followed by <c>event: detector</c> (the detector's view after it). Written by hand rather than with
/// <c>TypedResults.ServerSentEvents</c> because the stream also needs <c>: keep-alive</c> comments.
/// </summary>
public static class EventEndpoints
{
    public static IHostApplicationBuilder AddFleetEvents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EventsOptions>().BindConfiguration(EventsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<EventStream>();
        builder.Services.AddScoped<StoredEvents>();
        builder.Services.AddSingleton<EventFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventFeed>());
        return builder;
    }

    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/events", StreamAsync)
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithTags("Events")
            .Produces<string>(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("StreamEvents")
            .WithSummary("Server-Sent Events: every change event of every API instance, then the detector's view; resumable")
            .WithDescription("`event: fleet-event` carries an event as on `fleet/v1/events/{id}`; `event: detector` the view " +
                "as on `fleet/v1/registry/{id}`. An idle stream sends a `: keep-alive` comment every `Events:KeepAlive`. " +
                "Browsers authenticate `EventSource` with the session cookie of `POST /auth/session`. The stream ends when its key " +
                "is removed or rotated or its session signed out; open streams are capped per key and in total (429). " +
                "Every `fleet-event` carries `id:` (its id in the history, in commit order across API instances); reconnecting with " +
                "`Last-Event-ID` (or `?lastEventId=`) replays the events stored after it, then continues live without gap or " +
                "duplicate; `event: reset` says that id is no longer stored (reload the view). A client more than " +
                "`Events:SubscriberCapacity` items behind gets `event: overflow` and the stream ends (reconnect with Last-Event-ID).");
        return app;
    }

    /// <summary>What a refused stream's Retry-After says: streams end only when clients leave, so not at once.</summary>
    internal static readonly TimeSpan RefusedRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>How long a browser waits before reconnecting after a blip (the <c>retry:</c> line at connect).</summary>
    internal static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(3);

    internal static async Task StreamAsync(
        HttpContext http, EventStream stream, CredentialCheck credentials, IOptions<EventsOptions> options, TimeProvider clock)
    {
        var ct = http.RequestAborted;
        var settings = options.Value;
        if (!EventReplay.TryParse(http.Request, out var lastId, out var error))
        {
            await Problems.WriteAsync(http, StatusCodes.Status400BadRequest, "Invalid Last-Event-ID", error!);
            return;
        }

        // Subscribed before the replay reads the history, so nothing committed meanwhile falls between the two.
        using var subscription = stream.TrySubscribe(http.User.Identity?.Name ?? string.Empty);
        if (subscription is null)
        {
            await Problems.WriteAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests",
                $"Too many open event streams (at most {settings.MaxStreamsPerKey} per API key and {settings.MaxStreams} in all); close one first.",
                RefusedRetryAfter);
            return;
        }

        // Taken before the stream says it is open, so a revocation right after that is never missed.
        var changed = credentials.Changed;
        var response = http.Response;
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";

        try
        {
            // Sends the headers at once, so the client knows it is subscribed before the first change.
            var retry = ((long)ReconnectDelay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            await EventReplay.WriteAndFlushAsync(response, $"retry: {retry}\n: connected\n\n", ct);
            var replayed = lastId is { } from
                ? await EventReplay.WriteAsync(response, http.RequestServices.GetRequiredService<StoredEvents>(), from, ct)
                : 0;
            var written = replayed;
            var nextKeepAlive = clock.GetUtcNow() + settings.KeepAlive;
            var nextCheck = clock.GetUtcNow() + settings.RecheckInterval;
            while (!ct.IsCancellationRequested)
            {
                var now = clock.GetUtcNow();
                if (changed.IsCancellationRequested || now >= nextCheck)
                {
                    // The token is taken before the check, so a change during the check wakes the next wait.
                    changed = credentials.Changed;
                    if (!await credentials.IsValidAsync(http.User, ct))
                    {
                        // The key was removed or rotated, or the session signed out: the stream ends (a reconnect gets 401).
                        await EventReplay.WriteAndFlushAsync(response, ": credential no longer valid\n\n", ct);
                        return;
                    }

                    nextCheck = now + settings.RecheckInterval;
                }

                if (now >= nextKeepAlive)
                {
                    await EventReplay.WriteAndFlushAsync(response, ": keep-alive\n\n", ct);
                    nextKeepAlive = now + settings.KeepAlive;
                }

                var wake = (nextKeepAlive < nextCheck ? nextKeepAlive : nextCheck) - now;
                using var timer = new CancellationTokenSource(wake > TimeSpan.Zero ? wake : TimeSpan.Zero, clock);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token, changed);
                bool more;
                try
                {
                    more = await subscription.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    continue;
                }

                var text = new StringBuilder();
                while (subscription.Reader.TryRead(out var item))
                {
                    // The live copies of what the replay already sent.
                    if (item.Id is { } id && id <= replayed)
                    {
                        continue;
                    }

                    EventReplay.Append(text, item);
                    written = item.Id ?? written;
                }

                if (!more && subscription.Overflowed)
                {
                    // Everything queued before the cut is sent; the client resumes after the last id it got.
                    text.Append(EventReplay.Overflow(settings.SubscriberCapacity, written));
                }

                if (text.Length > 0)
                {
                    await EventReplay.WriteAndFlushAsync(response, text.ToString(), ct);
                    nextKeepAlive = clock.GetUtcNow() + settings.KeepAlive;
                }

                if (!more)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away; disposing the subscription unsubscribes it.
        }
    }
}
