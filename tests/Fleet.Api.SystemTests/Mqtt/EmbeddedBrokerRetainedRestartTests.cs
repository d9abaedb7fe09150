using Fleet.Domain.Topics;

namespace Fleet.Api.SystemTests.Mqtt;

/// <summary>
/// The embedded broker's retained messages survive an API restart (they are kept in the API's database, here the
/// zero-setup SQLite file), and so does their deletion: the API as a real process in Development, stopped and started
/// again on the same data folder, a detector and a monitor as real MQTT clients.
/// </summary>
[Trait("Suite", "Long")]
public sealed class EmbeddedBrokerRetainedRestartTests
{
    private const string DetectorId = "pi-042";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RetainedState_ApiRestarted_NewSubscriberReceivesIt_AndItsDeletionSurvivesToo()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        await using var api = await TestApiProcess.StartDevelopmentAsync();
        await api.WaitReadyAsync(ct: ct);
        var credentials = api.DevelopmentCredentials();
        var detectorPassword = credentials.GetProperty("DetectorPassword").GetString()!;
        var monitorPassword = credentials.GetProperty("MonitorPassword").GetString()!;
        var state = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docs", "examples", "state.json"), ct);
        await using (var detector = await MqttTestClient.ConnectAsync("127.0.0.1", api.MqttPort, DetectorId, detectorPassword, ct: ct))
        {
            Assert.True((await detector.PublishAsync(FleetTopics.State(DetectorId), state, retain: true, ct)).IsSuccess);
        }

        await api.RestartAsync(ct: ct);
        await api.WaitReadyAsync(ct: ct);

        await using (var monitor = await MqttTestClient.ConnectAsync("127.0.0.1", api.MqttPort, "monitor", monitorPassword, "monitor-1", ct))
        {
            await monitor.SubscribeAsync(FleetTopics.State(DetectorId), ct);
            var (_, retained) = await monitor.WaitForMessageAsync((topic, _) => topic == FleetTopics.State(DetectorId), Wait, ct);
            Assert.Equal(state, retained);
        }

        // A zero-byte retained publish deletes it, on the broker and in the database.
        await using (var detector = await MqttTestClient.ConnectAsync("127.0.0.1", api.MqttPort, DetectorId, detectorPassword, ct: ct))
        {
            Assert.True((await detector.PublishAsync(FleetTopics.State(DetectorId), string.Empty, retain: true, ct)).IsSuccess);
        }

        await api.RestartAsync(ct: ct);
        await api.WaitReadyAsync(ct: ct);

        await using var after = await MqttTestClient.ConnectAsync("127.0.0.1", api.MqttPort, "monitor", monitorPassword, "monitor-2", ct);
        await after.SubscribeAsync(FleetTopics.DetectorsPrefix + DetectorId + "/#", ct);
        await using var marker = await MqttTestClient.ConnectAsync("127.0.0.1", api.MqttPort, DetectorId, detectorPassword, ct: ct);
        await marker.PublishAsync(FleetTopics.Status(DetectorId), """{"state":"online","epoch":99}""", retain: false, ct);

        // Retained messages are queued at SUBACK, before the marker was even published: none came first.
        await after.WaitForMessageAsync((_, payload) => payload.Contains("\"epoch\":99", StringComparison.Ordinal), Wait, ct);
        Assert.DoesNotContain(after.Received, m => m.Topic == FleetTopics.State(DetectorId));
    }
}
