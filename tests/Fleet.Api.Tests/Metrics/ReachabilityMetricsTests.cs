using Fleet.Api.Tests.Reachability;
using Fleet.Domain.Messages;

namespace Fleet.Api.Tests.Metrics;

/// <summary>fleet_detectors_reachability counts detectors by the reachability the views show (its own database).</summary>
[Collection(MetricsTestGroup.Name)]
public sealed class ReachabilityMetricsTests(MetricsApiFixture fixture) : IClassFixture<MetricsApiFixture>
{
    [Fact]
    public async Task Scrape_DetectorsWithChecks_CountsByReachability_NotOnlineAsUnknown()
    {
        var api = fixture.Api;
        var timeout = Checks.Failing(CheckOutcomes.Timeout);
        var reachable = Messages.NewId("mr");
        Assert.True((await api.WriteStateAsync(Checks.State(reachable, 0, Checks.Web(Checks.Ok())))).Applied);
        var degraded = Messages.NewId("md");
        Assert.True((await api.WriteStateAsync(Checks.State(degraded, 0, Checks.Web(timeout), Checks.Api(Checks.Ok())))).Applied);
        var gone = Messages.NewId("mg");
        Assert.True((await api.WriteStateAsync(Checks.State(gone, 0, Checks.Web(timeout)))).Applied);
        Assert.True((await api.WriteStatusAsync(gone, Messages.Status(Presence.Offline, 1))).Applied);

        using var reader = api.CreateReader();
        var samples = await Eventually.GetAsync(
            async () => PrometheusText.Parse(await reader.GetStringAsync("/metrics")),
            s => s.Sum("fleet_detectors", ("status", "offline")) == 1,
            "the scrape shows the refreshed detector counts");

        Assert.Equal(1, samples.Sum("fleet_detectors_reachability", ("reachability", "reachable")));
        Assert.Equal(1, samples.Sum("fleet_detectors_reachability", ("reachability", "degraded")));
        Assert.Equal(0, samples.Sum("fleet_detectors_reachability", ("reachability", "unreachable")));
        Assert.Equal(1, samples.Sum("fleet_detectors_reachability", ("reachability", "unknown")));
    }
}
