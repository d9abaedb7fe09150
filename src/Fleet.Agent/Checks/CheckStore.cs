using Fleet.Domain.Messages;

namespace Fleet.Agent.Checks;

/// <summary>
/// The newest check per tunnel, for the URL it checked: a check of an old URL is never attached to a new one.
/// <see cref="Changed"/> fires when a tunnel's outcome, code or HTTP status changes (or its first check arrives), so the
/// publisher sends at once; an unchanged result only refreshes what the next heartbeat carries.
/// </summary>
public sealed class CheckStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Url, TunnelCheck Check)> _checks = new(StringComparer.Ordinal);

    public event Action? Changed;

    public TunnelCheck? Find(TunnelReport tunnel)
    {
        lock (_gate)
        {
            return _checks.TryGetValue(tunnel.Name, out var entry) && entry.Url == tunnel.Url ? entry.Check : null;
        }
    }

    /// <summary>The tunnels with their newest check attached (a tunnel without one is left as it is).</summary>
    public IReadOnlyList<TunnelReport> Attach(IReadOnlyList<TunnelReport> tunnels) =>
        [.. tunnels.Select(t => Find(t) is { } check ? t with { Check = check } : t)];

    /// <returns>Whether the outcome changed (and <see cref="Changed"/> was raised).</returns>
    public bool Record(TunnelReport tunnel, TunnelCheck check)
    {
        bool changed;
        lock (_gate)
        {
            changed = !_checks.TryGetValue(tunnel.Name, out var previous) || previous.Url != tunnel.Url || !SameOutcome(previous.Check, check);
            _checks[tunnel.Name] = (tunnel.Url, check);
        }

        if (changed)
        {
            Changed?.Invoke();
        }

        return changed;
    }

    /// <summary>Forgets tunnels the provider no longer reports.</summary>
    public void Retain(IReadOnlyList<TunnelReport> tunnels)
    {
        lock (_gate)
        {
            foreach (var name in _checks.Keys.Where(n => tunnels.All(t => t.Name != n)).ToList())
            {
                _checks.Remove(name);
            }
        }
    }

    private static bool SameOutcome(TunnelCheck a, TunnelCheck b) =>
        a.Outcome == b.Outcome && a.Code == b.Code && a.HttpStatus == b.HttpStatus;
}
