namespace Fleet.Agent.Tunnels;

/// <summary>A way for the Pi to be reachable: ngrok, a reverse SSH tunnel, or a fixed address.</summary>
public interface ITunnelProvider
{
    ProviderSnapshot Current { get; }

    /// <summary>Raised after <see cref="Current"/> changed.</summary>
    event Action? Changed;

    /// <summary>Keeps the tunnel up until cancelled, then stops whatever it started.</summary>
    Task RunAsync(CancellationToken ct);
}
