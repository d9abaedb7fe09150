using System.Net;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;

namespace Fleet.Api.Tests.Metrics;

/// <summary>One API (PostgreSQL, embedded broker) with a fast detector-count refresh, scraped through /metrics.</summary>
public sealed class MetricsApiFixture : IAsyncLifetime
{
    public FleetApiFactory Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("metrics");
        Api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForEmbedded())
        {
            Extra = new Dictionary<string, string?> { ["Metrics:DetectorRefreshInterval"] = "00:00:00.200" },
        });
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();
}

[Collection(MetricsTestGroup.Name)]
public sealed class MetricsEndpointTests(MetricsApiFixture fixture) : IClassFixture<MetricsApiFixture>
{
    private FleetApiFactory Api => fixture.Api;

    [Fact]
    public async Task Scrape_AfterIngest_ShowsIngestCountersLagDetectorsByStatusAndHttpMetrics()
    {
        // One detector through MQTT (online, counted by the ingest), one offline and one lost through the writer
        // directly (data only: the writer alone does not count).
        var viaMqtt = Messages.NewId("m");
        var password = await Api.ProvisionEmbeddedDetectorAsync(viaMqtt);
        await using (var detector = await MqttTestClient.ConnectAsync("127.0.0.1", Api.Settings.Broker.Port, viaMqtt, password))
        {
            var result = await detector.PublishAsync(FleetTopics.State(viaMqtt), Messages.Json(Messages.State(viaMqtt, 1, 0)));
            Assert.True(result.IsSuccess, result.ReasonCode.ToString());
        }

        var offline = Messages.NewId("m");
        Assert.True((await Api.WriteStateAsync(Messages.State(offline, 1, 0))).Applied);
        Assert.True((await Api.WriteStatusAsync(offline, Messages.Status(Presence.Offline, 1))).Applied);
        var lost = Messages.NewId("m");
        Assert.True((await Api.WriteStatusAsync(lost, Messages.Status(Presence.Lost, 1))).Applied);
        await Eventually.TrueAsync(async () => await Api.FindDetectorAsync(viaMqtt) is not null, "the MQTT state is stored");

        using var reader = Api.CreateReader();
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/detectors")).StatusCode);

        var samples = await Eventually.GetAsync(
            async () => PrometheusText.Parse(await reader.GetStringAsync("/metrics")),
            s => s.Sum("fleet_detectors", ("status", "online")) == 1
                 && s.Sum("fleet_detectors", ("status", "offline")) == 1
                 && s.Sum("fleet_detectors", ("status", "lost")) == 1
                 && s.Sum("fleet_ingest_lag_seconds_count", ("kind", "state")) >= 1
                 && s.Named("http_server_request_duration_seconds_count").Any(),
            "the scrape shows the refreshed detector counts, the ingest lag and HTTP metrics");

        Assert.Equal(0, samples.Sum("fleet_detectors", ("status", "unknown")));
        Assert.True(samples.Sum("fleet_ingest_applied_total", ("kind", "state")) >= 1);
        Assert.True(samples.Sum("fleet_ingest_lag_seconds_bucket", ("kind", "state"), ("le", "+Inf")) >= 1);
        Assert.Contains(
            samples.Named("http_server_request_duration_seconds_count"),
            s => s.Labels.GetValueOrDefault("http_route") is "/detectors" or "/detectors/" && s.Labels.GetValueOrDefault("http_response_status_code") == "200");
        Assert.Single(samples.Named("fleet_mqtt_reconnects_total"));
        Assert.Single(samples.Named("fleet_monitoring_publish_failures_total"));
    }

    [Fact]
    public async Task Scrape_InvalidMessage_CountsRejectionByReason()
    {
        var id = Messages.NewId("m");
        var password = await Api.ProvisionEmbeddedDetectorAsync(id);
        await using (var detector = await MqttTestClient.ConnectAsync("127.0.0.1", Api.Settings.Broker.Port, id, password))
        {
            await detector.PublishAsync(FleetTopics.State(id), "not json");
        }

        using var reader = Api.CreateReader();
        var samples = await Eventually.GetAsync(
            async () => PrometheusText.Parse(await reader.GetStringAsync("/metrics")),
            s => s.Named("fleet_ingest_rejected_total").Any(r => r.Value >= 1 && r.Labels.ContainsKey("reason")),
            "the rejection is counted by reason");
        Assert.NotEmpty(samples.Named("fleet_ingest_rejected_total"));
    }

    [Fact]
    public async Task Scrape_WithoutOrWithWrongKey_Is401_WithReaderOrAdminKey_IsPrometheusText()
    {
        using var anonymous = Api.CreateClient();
        using var wrong = Api.CreateWithKey("not-a-key");
        using var reader = Api.CreateReader();
        using var admin = Api.CreateAdmin();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/metrics")).StatusCode);
        var response = await reader.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/metrics")).StatusCode);
    }
}
