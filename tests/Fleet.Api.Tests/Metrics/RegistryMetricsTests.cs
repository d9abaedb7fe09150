using System.Net;
using System.Text;
using Fleet.Api.Registry;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Tests.Metrics;

/// <summary>
/// The registry's step metrics move with the steps (the fixture's API is shared: every check is a difference). They
/// exist only with reads from memory, so this API reads from memory on either of the suite's paths.
/// </summary>
[Collection(MetricsTestGroup.Name)]
public sealed class RegistryMetricsTests(RegistryMetricsTests.MemoryApiFixture fixture) : IClassFixture<RegistryMetricsTests.MemoryApiFixture>
{
    private FleetApiFactory Api => fixture.Api;

    [Fact]
    public async Task Scrape_AfterPatch_ShowsQueueWaitStepDurationRereadsAndSkippedNotifications()
    {
        var id = Messages.NewId("mreg");
        Assert.True((await Api.WriteStateAsync(Messages.State(id, 1, 0))).Applied);
        using var reader = Api.CreateReader();
        var before = PrometheusText.Parse(await reader.GetStringAsync("/metrics"));

        // The PATCH's writer waits for the registry step (source local); its commit's NOTIFY comes back (source notification).
        using var admin = Api.CreateAdmin();
        using var content = new StringContent("""{"name":"metrics-registry"}""", Encoding.UTF8, "application/merge-patch+json");
        using var response = await admin.PatchAsync($"/detectors/{id}", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // A notification of a version the registry already holds (0: older than any written row) is skipped.
        await Api.WithDbAsync(db => db.Database.ExecuteSqlAsync($"SELECT pg_notify({PostgresDetectorNotifications.Channel}, {id + " 0"})"));

        double Moved(IReadOnlyList<PrometheusSample> now, string name, params (string, string)[] labels) =>
            now.Sum(name, labels) - before.Sum(name, labels);
        var after = await Eventually.GetAsync(
            async () => PrometheusText.Parse(await reader.GetStringAsync("/metrics")),
            s => Moved(s, "fleet_registry_queue_wait_seconds_count", ("source", "local")) >= 1
                 && Moved(s, "fleet_registry_queue_wait_seconds_count", ("source", "notification")) >= 2
                 && Moved(s, "fleet_registry_step_duration_seconds_count", ("kind", "changes")) >= 1
                 && Moved(s, "fleet_registry_step_read_seconds_count") >= 1
                 && Moved(s, "fleet_registry_rereads_total") >= 1
                 && Moved(s, "fleet_registry_notifications_skipped_total") >= 1,
            "the PATCH's step and both notifications are counted");

        Assert.True(Moved(after, "fleet_registry_queue_wait_seconds_bucket", ("source", "local"), ("le", "+Inf")) >= 1);
        Assert.True(Moved(after, "fleet_registry_step_duration_seconds_sum", ("kind", "changes")) > 0);
        Assert.Single(after.Named("fleet_registry_rereads_total"));
        Assert.Single(after.Named("fleet_registry_notifications_skipped_total"));
    }

    [Fact]
    public async Task Scrape_ShowsTheDetectorsAndViewBytesTheRegistryHolds()
    {
        Assert.True((await Api.WriteStateAsync(Messages.State(Messages.NewId("mhold"), 1, 0))).Applied);
        using var reader = Api.CreateReader();

        // The list's items are the registry's serialised views as they are (no relay port in this fixture).
        using var list = await reader.GetAsync("/detectors?limit=1000");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var body = await list.Content.ReadAsByteArrayAsync();
        using var document = System.Text.Json.JsonDocument.Parse(body);
        var items = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(list.Headers.GetValues("X-Total-Count").Single(), items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var viewBytes = items.Sum(item => (long)Encoding.UTF8.GetByteCount(item.GetRawText()));

        // The exporter caches a scrape for a moment: wait for one taken after the list was read.
        var scraped = await Eventually.GetAsync(
            async () => PrometheusText.Parse(await reader.GetStringAsync("/metrics")),
            s => s.Sum("fleet_registry_detectors") == items.Count,
            "a scrape that counts the detectors listed");
        Assert.Equal(items.Count, scraped.Sum("fleet_registry_detectors"));
        Assert.Equal(viewBytes, scraped.Sum("fleet_registry_views_bytes"));
    }

    /// <summary>One API on PostgreSQL (notifications) and the embedded broker, its registry on.</summary>
    public sealed class MemoryApiFixture : IAsyncLifetime
    {
        public FleetApiFactory Api { get; private set; } = null!;

        public async Task InitializeAsync() =>
            Api = await FleetApiFactory.StartAsync(new FleetApiSettings(await MigratedDatabase.CreateAsync("registry_metrics"), BrokerSettings.ForEmbedded())
            {
                Extra = Registry.RegistryQueryTests.Memory,
            });

        public async Task DisposeAsync() => await Api.DisposeAsync();
    }
}
