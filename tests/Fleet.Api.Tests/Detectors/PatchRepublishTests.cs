using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Api.Auth;
using Fleet.Api.Events;
using Fleet.Api.Ingest;
using Fleet.Api.Testing.Events;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Api.Tests.Detectors;

/// <summary>
/// What operators see after a metadata <c>PATCH</c>: the retained registry view and the live <c>detector</c> item carry
/// the new name and tags at once, although the change has no event and a heartbeat refresh would be coalesced.
/// </summary>
public sealed class PatchRepublishTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly string _monitorPassword = SecretHash.NewSecret();
    private FleetApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("patchrepublish");
        _api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded())
        {
            Extra = new Dictionary<string, string?>
            {
                ["Mqtt:Embedded:Monitors:0:Username"] = "monitor",
                ["Mqtt:Embedded:Monitors:0:Password"] = _monitorPassword,
            },
        });
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Patch_NameAndTags_RepublishesTheRetainedRegistryView()
    {
        var id = await RegisterAndPublishAsync("pm");
        await using var monitor = await ConnectMonitorAsync();
        await monitor.SubscribeAsync(FleetTopics.Registry(id));
        await monitor.WaitForMessageAsync((topic, payload) => topic == FleetTopics.Registry(id) && payload.Length > 0, Wait);

        await PatchAsync(id, "Kitchen Pi", "kitchen");

        var (_, live) = await monitor.WaitForMessageAsync((_, payload) => payload.Contains("Kitchen Pi", StringComparison.Ordinal), Wait);
        Assert.Equal(["kitchen"], ParseView(live).Tags);

        // A tool that subscribes afterwards gets the new view as the retained message.
        await using var late = await ConnectMonitorAsync();
        await late.SubscribeAsync(FleetTopics.Registry(id));
        var (_, retained) = await late.WaitForMessageAsync((topic, _) => topic == FleetTopics.Registry(id), Wait);
        var view = ParseView(retained);
        Assert.Equal(("Kitchen Pi", "kitchen"), (view.Name, Assert.Single(view.Tags)));
    }

    [Fact]
    public async Task Patch_Name_SendsTheDetectorItemOnEvents()
    {
        var id = await RegisterAndPublishAsync("pe");
        using var reader = _api.CreateReader();
        using var stream = await EventStreams.OpenAsync(reader);

        await PatchAsync(id, "Garage Pi", "garage");

        var seen = new List<(string Type, string Data)>();
        var item = await stream.Reader.WaitForAsync(
            (type, data) => type == EventStream.DetectorType && data.Contains("Garage Pi", StringComparison.Ordinal), seen, Wait);
        var view = ParseView(item.Data);
        Assert.Equal((id, "garage"), (view.Id, Assert.Single(view.Tags)));
    }

    /// <summary>A detector whose view was just published (so a refresh without an event would now be coalesced).</summary>
    private async Task<string> RegisterAndPublishAsync(string prefix)
    {
        var id = Messages.NewId(prefix);
        await _api.WriteStateAsync(Messages.State(id, 1, 0));
        var sink = _api.Services.GetRequiredService<IEventSink>();
        await sink.PublishAsync(id, [new FleetEvent { Type = EventTypes.Registered, DetectorId = id, At = DateTimeOffset.UtcNow }], CancellationToken.None);
        return id;
    }

    private async Task PatchAsync(string id, string name, string tag)
    {
        using var admin = _api.CreateAdmin();
        using var response = await admin.PatchAsJsonAsync($"/detectors/{id}", new { name, tags = new[] { tag } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private Task<MqttTestClient> ConnectMonitorAsync() =>
        MqttTestClient.ConnectAsync(_api.Settings.Broker.Host, _api.Settings.Broker.Port, "monitor", _monitorPassword, clientId: $"monitor-{Guid.NewGuid():N}");

    private static DetectorView ParseView(string json) => JsonSerializer.Deserialize(json, FleetJsonContext.Default.DetectorView)!;
}
