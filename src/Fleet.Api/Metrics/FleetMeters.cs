using System.Diagnostics.Metrics;
using Fleet.Api.Monitoring;
using Fleet.Api.Mqtt;

namespace Fleet.Api.Metrics;

/// <summary>
/// Observable instruments that read state the API keeps anyway: detectors by status and by reachability (from
/// <see cref="DetectorCounts"/>' cache, never the database), broker reconnects and failed monitoring publishes.
/// </summary>
internal sealed class FleetMeters
{
    public const string MeterName = "Fleet.Api";

    public FleetMeters(IMeterFactory meterFactory, DetectorCounts detectors, MqttConnection mqtt, MonitoringPublisher monitoring)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge(
            "fleet.detectors",
            () => ObserveDetectors(detectors),
            description: "Detectors by status (online, offline, lost, unknown), refreshed from the database every Metrics:DetectorRefreshInterval.");
        meter.CreateObservableGauge(
            "fleet.detectors.reachability",
            () => Observe(detectors.Reachability, "reachability"),
            description: "Detectors by reachability as the views show it (reachable, degraded, unreachable; unknown when not online or not checked), refreshed with fleet.detectors.");
        meter.CreateObservableCounter(
            "fleet.mqtt.reconnects",
            () => Math.Max(0, mqtt.Reconnects - 1),
            description: "Successful connections to the MQTT broker after the first one.");
        meter.CreateObservableCounter(
            "fleet.monitoring.publish_failures",
            () => monitoring.FailedTotal,
            description: "Publishes to the monitoring topics (registry, events) that failed.");
    }

    private static IEnumerable<Measurement<long>> ObserveDetectors(DetectorCounts detectors) => Observe(detectors.Current, "status");

    private static IEnumerable<Measurement<long>> Observe(IReadOnlyDictionary<string, long>? counts, string label) =>
        counts is null ? [] : counts.Select(c => new Measurement<long>(c.Value, new KeyValuePair<string, object?>(label, c.Key)));
}
