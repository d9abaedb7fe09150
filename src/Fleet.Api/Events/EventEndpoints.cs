using System.Text;
using Fleet.Api.Auth;
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
            .WithName("StreamEvents")
            .WithSummary("Live Server-Sent Events: every change event, then the detector's new view")
            .WithDescription("`event: fleet-event` carries an event as on `fleet/v1/events/{id}`; `event: detector` the view " +
                "as on `fleet/v1/registry/{id}`. An idle stream sends a `: keep-alive` comment every `Events:KeepAlive`. " +
                "Browsers authenticate `EventSource` with the session cookie of `POST /auth/session`.");
        return app;
    }

    internal static async Task StreamAsync(HttpContext http, EventStream stream, IOptions<EventsOptions> options, TimeProvider clock)
    {
        var ct = http.RequestAborted;
        var response = http.Response;
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";

        using var subscription = stream.Subscribe();
        try
        {
            // Sends the headers at once, so the client knows it is subscribed before the first change.
            await WriteAsync(response, ": connected\n\n", ct);
            while (!ct.IsCancellationRequested)
            {
                using var idle = new CancellationTokenSource(options.Value.KeepAlive, clock);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct, idle.Token);
                bool more;
                try
                {
                    more = await subscription.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await WriteAsync(response, ": keep-alive\n\n", ct);
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
