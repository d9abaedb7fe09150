using Fleet.Domain.Messages;

namespace Fleet.Agent.Health;

/// <summary>
/// The newest result of every health check and the newest facts. <see cref="Changed"/> fires when a check's outcome
/// changes (or its first result arrives), so the publisher sends at once; a new text, number or fact only refreshes
/// what the next heartbeat carries.
/// </summary>
public sealed class HealthStore(bool enabled = true)
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, HealthCheckResult> _checks = new(StringComparer.Ordinal);
    private HealthFacts? _facts;

    public event Action? Changed;

    /// <summary>The state's <c>health</c> section; null when health is off (Agent:Health:Enabled false).</summary>
    public HealthReport? Current
    {
        get
        {
            if (!enabled)
            {
                return null;
            }

            lock (_gate)
            {
                List<HealthCheckResult> checks = [.. _checks.Values];
                return new HealthReport { Status = HealthOutcomes.Worst(checks.Select(c => c.Outcome)), Facts = _facts, Checks = checks };
            }
        }
    }

    /// <returns>Whether the check's outcome changed (and <see cref="Changed"/> was raised).</returns>
    public bool Record(HealthCheckResult result)
    {
        bool changed;
        lock (_gate)
        {
            changed = !_checks.TryGetValue(result.Name, out var previous) || previous.Outcome != result.Outcome;
            _checks[result.Name] = result;
        }

        if (changed)
        {
            Changed?.Invoke();
        }

        return changed;
    }

    public void SetFacts(HealthFacts facts)
    {
        lock (_gate)
        {
            _facts = facts;
        }
    }
}
