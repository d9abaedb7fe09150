using Fleet.Api.Data;

namespace Fleet.Api.Registry;

/// <summary>
/// Tells the registry about commits to detectors made by any instance. PostgreSQL: <c>LISTEN fleet_detectors</c>, a
/// notification per written row (<c>id version</c>), per deleted row and per relay port change (<c>id</c>), sent by
/// triggers at commit (the RegistryNotify migration). SQLite: one instance, whose writers tell the registry
/// themselves (<see cref="IDetectorChanges"/>): connected at once, nothing to hear.
/// </summary>
internal interface IDetectorNotifications
{
    /// <summary>Runs until cancelled; <paramref name="connected"/> after every (re)connect, <paramref name="lost"/> when notifications may be missed.</summary>
    Task ListenAsync(Action<string> notified, Action connected, Action lost, CancellationToken ct);
}

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

internal sealed class NoDetectorNotifications : IDetectorNotifications
{
    public async Task ListenAsync(Action<string> notified, Action connected, Action lost, CancellationToken ct)
    {
        connected();
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}

/// <summary>What every writer of detectors calls after its commit, so the registry re-reads those detectors.</summary>
public interface IDetectorChanges
{
    /// <summary>Returns once the registry holds the commit: the writer's next read, and its client's, sees it.</summary>
    Task ChangedAsync(IReadOnlyCollection<string> ids, CancellationToken ct);

    /// <summary>
    /// Queues the re-read and returns at once (the ingest: no client reads its writes back, and re-reads queued while
    /// one runs are merged into the next, one statement for many batches).
    /// </summary>
    void Changed(IReadOnlyCollection<string> ids);
}
