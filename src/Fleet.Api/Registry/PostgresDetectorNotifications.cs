using Fleet.Api.Data;

namespace Fleet.Api.Registry;

/// <summary>PostgreSQL: <c>LISTEN fleet_detectors</c> on a connection of its own (<see cref="PostgresListener"/>), reconnecting after a loss.</summary>
internal sealed class PostgresDetectorNotifications(string connectionString, TimeProvider clock, ILogger<PostgresDetectorNotifications> logger)
    : IDetectorNotifications
{
    public const string Channel = "fleet_detectors";

    /// <summary>The listening connection's application_name in pg_stat_activity.</summary>
    public const string ApplicationName = "fleet-registry-listen";

    private readonly PostgresListener _listener = new(connectionString, Channel, ApplicationName, clock, logger);

    public Task ListenAsync(Action<string> notified, Action connected, Action lost, CancellationToken ct) =>
        _listener.RunAsync(notified, connected, lost, ct);
}
