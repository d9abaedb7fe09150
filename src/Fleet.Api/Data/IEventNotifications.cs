namespace Fleet.Api.Data;

/// <summary>
/// Tells this instance that another one committed events (History/EventLog). PostgreSQL: <c>LISTEN</c> on a dedicated
/// connection; SQLite: nothing (one instance, its own commits signal the feed directly).
/// </summary>
public interface IEventNotifications
{
    /// <summary>
    /// Runs until <paramref name="ct"/> is cancelled: calls <paramref name="signal"/> for every notification and after
    /// every (re)connect, so what was committed while not listening is read then. Never throws but on cancellation.
    /// </summary>
    Task ListenAsync(Action signal, CancellationToken ct);
}

/// <summary>SQLite: a single instance, no notifications to listen for.</summary>
internal sealed class NoEventNotifications : IEventNotifications
{
    public Task ListenAsync(Action signal, CancellationToken ct) => Task.CompletedTask;
}
