namespace Fleet.Agent.Tunnels;

/// <summary>What every provider shares: the current snapshot and its change notification.</summary>
public abstract class TunnelProviderBase(string kind) : ITunnelProvider
{
    public ProviderSnapshot Current => Snapshot.Current;

    public event Action? Changed
    {
        add => Snapshot.Changed += value;
        remove => Snapshot.Changed -= value;
    }

    protected SnapshotHolder Snapshot { get; } = new(kind);

    public abstract Task RunAsync(CancellationToken ct);
}
