namespace Fleet.Api.Registry;

/// <summary>SQLite: one instance, whose writers tell the registry themselves; connected at once, nothing to hear.</summary>
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
