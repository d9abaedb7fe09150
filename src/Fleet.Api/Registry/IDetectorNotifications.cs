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
