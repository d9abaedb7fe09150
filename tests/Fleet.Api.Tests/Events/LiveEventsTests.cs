using System.Net;
using System.Text.Json;
using Fleet.Api.Events;
using Fleet.Api.Testing.Dashboard;
using Fleet.Api.Testing.Events;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Events;

/// <summary><c>GET /events</c> end to end: a detector publishes over MQTT (embedded broker), the stream carries the change.</summary>
public sealed class LiveEventsTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private FleetApiFactory Api => fixture.Api;

    private EventStream Stream => Api.Services.GetRequiredService<EventStream>();

    [Fact]
    public async Task Events_AfterAStateIsPublished_CarryTheFleetEventThenTheDetectorView()
    {
        var id = Messages.NewId("e");
        using var http = Api.CreateReader();
        using var response = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());

        await PublishStateAsync(id, "https://first.ngrok-free.app", seq: 0);

        var seen = new List<(string Type, string Data)>();
        var registered = await sse.WaitForAsync((type, data) => type == EventStream.FleetEventType && data.Contains(id, StringComparison.Ordinal), seen, Timeout);
        var detector = await sse.WaitForAsync((type, data) => type == EventStream.DetectorType && data.Contains(id, StringComparison.Ordinal), seen, Timeout);
        var fleetEvent = JsonSerializer.Deserialize(registered.Data, FleetJsonContext.Default.FleetEvent)!;
        var view = JsonSerializer.Deserialize(detector.Data, FleetJsonContext.Default.DetectorView)!;
        Assert.Equal("registered", fleetEvent.Type);
        Assert.Equal(id, view.Id);
        Assert.Equal("https://first.ngrok-free.app", Assert.Single(view.Tunnels).Url);

        await PublishStateAsync(id, "https://second.ngrok-free.app", seq: 1);

        var changed = await sse.WaitForAsync((type, data) => type == EventStream.FleetEventType && data.Contains("url-changed", StringComparison.Ordinal), seen, Timeout);
        var updated = await sse.WaitForAsync((type, data) => type == EventStream.DetectorType && data.Contains("second.ngrok-free.app", StringComparison.Ordinal), seen, Timeout);
        Assert.Contains(id, changed.Data, StringComparison.Ordinal);
        Assert.Contains(id, updated.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_WithTheSessionCookie_Stream()
    {
        using var http = Api.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var (_, cookie) = await SessionCookies.SignInAsync(http, TestKeys.Reader);
        Assert.NotNull(cookie);

        using var response = await http.SendAsync(SessionCookies.Request(HttpMethod.Get, "/events", cookie), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Events_WithoutCredentials_Is401ProblemDetails()
    {
        using var http = Api.CreateClient();

        using var response = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Events_WhenTheClientDisconnects_EndTheSubscription()
    {
        var before = Stream.SubscriberCount;
        using (var http = Api.CreateReader())
        {
            var response = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
            await Eventually.TrueAsync(() => Task.FromResult(Stream.SubscriberCount > before), "the stream subscribed");
            response.Dispose();
        }

        await Eventually.TrueAsync(() => Task.FromResult(Stream.SubscriberCount <= before), "the subscription ended");
    }

    private async Task PublishStateAsync(string id, string url, long seq)
    {
        var password = seq == 0 ? await Api.ProvisionEmbeddedDetectorAsync(id) : _passwords[id];
        _passwords[id] = password;
        await using var detector = await MqttTestClient.ConnectAsync(Api.Settings.Broker.Host, Api.Settings.Broker.Port, id, password);
        var result = await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, seq, url)));
        Assert.True(result.IsSuccess, $"PUBACK {result.ReasonCode}");
    }

    private readonly Dictionary<string, string> _passwords = [];
}
