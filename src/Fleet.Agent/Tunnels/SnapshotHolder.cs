using Fleet.Domain.Messages;

namespace Fleet.Agent.Tunnels;

/// <summary>Holds a provider's current snapshot and raises a change only when something really changed.</summary>
public sealed class SnapshotHolder(string kind)
{
    private ProviderSnapshot _current = new([], new ProviderReport { Kind = kind, State = "starting" });

    public event Action? Changed;

    public ProviderSnapshot Current => Volatile.Read(ref _current);

    public void Set(ProviderSnapshot next)
    {
        var previous = Interlocked.Exchange(ref _current, next);
        if (!previous.SameAs(next))
        {
            Changed?.Invoke();
        }
    }

    public void Update(Func<ProviderSnapshot, ProviderSnapshot> change) => Set(change(Current));
}
