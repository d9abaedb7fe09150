using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fleet.Api.Mqtt;

internal sealed class MqttHealthCheck(MqttConnection connection) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(connection.IsReady
            ? HealthCheckResult.Healthy("Connected to the MQTT broker and subscribed.")
            : HealthCheckResult.Unhealthy("Not connected to the MQTT broker (or not subscribed yet)."));
}
