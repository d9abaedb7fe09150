using Fleet.Domain.Messages;

namespace Fleet.Agent.Tunnels;

/// <summary>What the provider knows right now: the public URLs and its own condition.</summary>
public sealed record ProviderSnapshot(IReadOnlyList<TunnelReport> Tunnels, ProviderReport Provider)
{
    public bool SameAs(ProviderSnapshot other) =>
        Provider == other.Provider && Tunnels.SequenceEqual(other.Tunnels);
}
