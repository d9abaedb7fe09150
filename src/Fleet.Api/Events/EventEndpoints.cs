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
        return builder;
    }

    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/events", StreamAsync)
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithTags("Events")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("StreamEvents")
            .WithSummary("Live Server-Sent Events: every change event, then the detector's new view")
            .WithDescription("`event: fleet-event` carries an event as on `fleet/v1/events/{id}`; `event: detector` the view " +
                "as on `fleet/v1/registry/{id}`. An idle stream sends a `: keep-alive` comment every `Events:KeepAlive`. " +
                "Browsers authenticate `EventSource` with the session cookie of `POST /auth/session`. The stream ends when its key " +
                "is removed or rotated or its session signed out; open streams are capped per key and in total (429).");
        return app;
    }

    /// <summary>What a refused stream's Retry-After says: streams end only when clients leave, so not at once.</summary>
    internal static readonly TimeSpan RefusedRetryAfter = TimeSpan.FromSeconds(30);

    internal static async Task StreamAsync(
        HttpContext http, EventStream stream, CredentialCheck credentials, IOptions<EventsOptions> options, TimeProvider clock)
    {
        var ct = http.RequestAborted;
        var settings = options.Value;
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
            await WriteAsync(response, ": connected\n\n", ct);
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
                        await WriteAsync(response, ": credential no longer valid\n\n", ct);
                        return;
                    }

                    nextCheck = now + settings.RecheckInterval;
                }

                if (now >= nextKeepAlive)
                {
                    await WriteAsync(response, ": keep-alive\n\n", ct);
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

                if (!more)
                {
                    return;
                }

                var text = new StringBuilder();
                while (subscription.Reader.TryRead(out var item))
                {
                    // The JSON is a single line (no indentation), so one data: line carries it.
                    text.Append("event: ").Append(item.Type).Append('\n').Append("data: ").Append(item.Json).Append("\n\n");
                }

                await WriteAsync(response, text.ToString(), ct);
                nextKeepAlive = clock.GetUtcNow() + settings.KeepAlive;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away; disposing the subscription unsubscribes it.
        }
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.WriteAsync(text, ct);
        await response.Body.FlushAsync(ct);
    }
}
