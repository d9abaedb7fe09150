using Fleet.Domain.Messages;

namespace Fleet.Api.Monitoring;

/// <summary>One committed change of one detector, waiting to be published to the monitoring topics.</summary>
internal sealed record MonitoringChange(string DetectorId, IReadOnlyList<FleetEvent> Events);
