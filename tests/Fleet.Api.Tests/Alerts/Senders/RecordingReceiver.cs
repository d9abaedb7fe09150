using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fleet.Api.Tests.Alerts.Senders;

/// <summary>
/// A small Kestrel receiver on a loopback address for the ntfy, Slack and egress tests: records every request
/// (method, path and query, headers, body) and answers with <paramref name="answer"/>.
/// </summary>
internal sealed class RecordingReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    private RecordingReceiver(WebApplication app, int port)
    {
        this.app = app;
        Port = port;
    }

    public int Port { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public Uri Url(string pathAndQuery = "/", string host = "127.0.0.1") => new($"http://{host}:{Port}{pathAndQuery}");

    public static async Task<RecordingReceiver> StartAsync(Func<HttpContext, Task> answer, IPAddress? address = null, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address ?? IPAddress.Loopback, port));
        var app = builder.Build();
        RecordingReceiver? receiver = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            receiver!.Requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body));
            await answer(context);
        });
        await app.StartAsync();
        var bound = new Uri(app.Urls.First()).Port;
        receiver = new RecordingReceiver(app, bound);
        return receiver;
    }

    /// <summary>Answers every request with <paramref name="status"/>, <paramref name="body"/> and the extra headers.</summary>
    public static Task<RecordingReceiver> AnswerAsync(int status, string body = "", IPAddress? address = null, int port = 0, params (string Name, string Value)[] headers) =>
        StartAsync(async context =>
        {
            context.Response.StatusCode = status;
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }

            await context.Response.WriteAsync(body, context.RequestAborted);
        }, address, port);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

internal sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);
