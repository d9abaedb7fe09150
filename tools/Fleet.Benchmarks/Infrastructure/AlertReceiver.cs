using System.Diagnostics;
using System.Text.Json;

using Fleet.Testing.Network;

namespace Fleet.Benchmarks.Infrastructure;

/// <summary>
/// The alert benchmark's webhook receiver: a Kestrel endpoint on loopback inside the orchestrator that answers 204 at
/// once and records each delivery's arrival (on its own clock), kind (<c>alert.fired</c> / <c>alert.recovered</c>),
/// <c>webhook-id</c>, group and number of detectors. Signatures are not checked here (the system tests do that).
/// </summary>
internal sealed class AlertReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<Delivery> _deliveries = [];

    private AlertReceiver(WebApplication app, int port)
    {
        _app = app;
        Url = $"http://127.0.0.1:{port}/hook";
    }

    /// <summary>Where the destination points (http on loopback: Alerts:Delivery:AllowHttp and Alerts:AllowedNetworks 127.0.0.0/8).</summary>
    public string Url { get; }

    /// <summary>The clock of every <see cref="Delivery.Seconds"/>: started with the receiver.</summary>
    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public static async Task<AlertReceiver> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new AlertReceiver(app, port);
        app.MapPost("/hook", receiver.ReceiveAsync);
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Every delivery received so far (arrival order).</summary>
    public IReadOnlyList<Delivery> Since(double seconds)
    {
        lock (_deliveries)
        {
            return [.. _deliveries.Where(d => d.Seconds >= seconds)];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        var arrived = Clock.Elapsed.TotalSeconds;
        using var document = await JsonDocument.ParseAsync(request.Body);
        var root = document.RootElement;
        var data = root.GetProperty("data");
        var delivery = new Delivery(
            arrived,
            request.Headers["webhook-id"].ToString(),
            root.GetProperty("type").GetString() ?? string.Empty,
            data.TryGetProperty("group", out var group) && group.ValueKind == JsonValueKind.String ? group.GetString() : null,
            data.TryGetProperty("detectorIds", out var ids) && ids.ValueKind == JsonValueKind.Array ? ids.GetArrayLength() : 0);
        lock (_deliveries)
        {
            _deliveries.Add(delivery);
        }

        return Results.NoContent();
    }

    /// <summary>One webhook POST: when it arrived, its id, <c>alert.fired</c> or <c>alert.recovered</c>, its group and size.</summary>
    internal sealed record Delivery(double Seconds, string WebhookId, string Type, string? Group, int Detectors)
    {
        public bool Fired => Type == "alert.fired";

        public bool Recovered => Type == "alert.recovered";
    }
}
