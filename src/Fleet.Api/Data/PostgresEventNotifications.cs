using Fleet.Api.History;

namespace Fleet.Api.Data;

/// <summary>
/// <c>LISTEN fleet_events</c> (<see cref="PostgresListener"/>): every notification and every (re)connect signals the
/// feed, so it reads what it missed meanwhile.
/// </summary>
internal sealed class PostgresEventNotifications(string connectionString, TimeProvider clock, ILogger<PostgresEventNotifications> logger)
    : IEventNotifications
{
    /// <summary>The listening connection's application_name in pg_stat_activity: an operator (or a test) can find it.</summary>
    public const string ApplicationName = "fleet-events-listen";

    private readonly PostgresListener _listener = new(connectionString, EventLog.Channel, ApplicationName, clock, logger);

    public Task ListenAsync(Action signal, CancellationToken ct) =>
        _listener.RunAsync(_ => signal(), signal, () => { }, ct);
}
