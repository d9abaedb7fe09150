namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// A circuit breaker per destination, on this instance: after CircuitFailures consecutive retryable failures the
/// destination's deliveries wait (no attempts, none counted) for CircuitCoolDown; then one probe attempt goes out
/// (half-open), and its success closes the circuit, its failure opens it again. A permanent refusal is about one
/// notice, not the receiver's health, and changes nothing. Polly's breaker counts failures of calls made through it;
/// here the claim must know beforehand which destinations to leave alone, so a small state table fits better.
/// </summary>
internal sealed class DestinationCircuits(TimeProvider clock)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Circuit> _circuits = [];

    /// <summary>Destinations whose deliveries must not be claimed now: open, or half-open with the probe out.</summary>
    public IReadOnlyCollection<long> Blocked()
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            return [.. _circuits.Where(c => c.Value.OpenUntil > now || c.Value.Probing).Select(c => c.Key)];
        }
    }

    /// <summary>Whether an attempt to <paramref name="destinationId"/> may go now; a half-open circuit lets one through.</summary>
    public bool TryEnter(long destinationId)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (!_circuits.TryGetValue(destinationId, out var circuit) || circuit.OpenUntil is null)
            {
                return true;
            }

            if (circuit.OpenUntil > now || circuit.Probing)
            {
                return false;
            }

            circuit.Probing = true;
            return true;
        }
    }

    /// <summary>
    /// Records an attempt's outcome; true when it closed a circuit that was open (its waiting deliveries may go now).
    /// <paramref name="version"/> is the destination's UpdatedAt as the attempt saw it (see <see cref="ResetChanged"/>).
    /// </summary>
    public bool Record(long destinationId, DeliveryOutcome outcome, AlertDeliveryOptions options, DateTimeOffset? version = null)
    {
        lock (_lock)
        {
            var circuit = _circuits.GetValueOrDefault(destinationId);
            switch (outcome)
            {
                case DeliveryOutcome.Delivered:
                    _circuits.Remove(destinationId);
                    return circuit?.OpenUntil is not null;
                case DeliveryOutcome.Retry:
                    circuit ??= _circuits[destinationId] = new Circuit();
                    circuit.Version = version;
                    circuit.Failures++;
                    if (circuit.Probing || circuit.Failures >= options.CircuitFailures)
                    {
                        circuit.OpenUntil = clock.GetUtcNow() + options.CircuitCoolDown;
                    }

                    circuit.Probing = false;
                    return false;
                default:
                    if (circuit is not null)
                    {
                        circuit.Probing = false;
                    }

                    return false;
            }
        }
    }

    /// <summary>When the earliest open circuit allows its probe, if any is open.</summary>
    public DateTimeOffset? NextProbeAt()
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            return _circuits.Values.Where(c => c.OpenUntil > now && !c.Probing).Select(c => c.OpenUntil).Min();
        }
    }

    /// <summary>The destinations this instance holds a circuit for, with the version each was recorded at.</summary>
    public IReadOnlyDictionary<long, DateTimeOffset?> Tracked()
    {
        lock (_lock)
        {
            return _circuits.ToDictionary(c => c.Key, c => c.Value.Version);
        }
    }

    /// <summary>
    /// Forgets the circuit of every destination whose stored version differs from the one its failures were recorded
    /// at: an operator changed it (a new URL, a new token), so its past failures say nothing about it any more. Returns
    /// how many it reset. Every instance calls it before claiming, so a change made on one resets them all.
    /// </summary>
    public int ResetChanged(IReadOnlyDictionary<long, DateTimeOffset?> current)
    {
        lock (_lock)
        {
            var changed = _circuits.Where(c => current.TryGetValue(c.Key, out var version) && version != c.Value.Version && !c.Value.Probing)
                .Select(c => c.Key).ToList();
            foreach (var id in changed)
            {
                _circuits.Remove(id);
            }

            return changed.Count;
        }
    }

    public bool IsOpen(long destinationId)
    {
        lock (_lock)
        {
            return _circuits.TryGetValue(destinationId, out var circuit) && circuit.OpenUntil is not null;
        }
    }

    private sealed class Circuit
    {
        public int Failures { get; set; }

        public DateTimeOffset? OpenUntil { get; set; }

        public bool Probing { get; set; }

        /// <summary>The destination's UpdatedAt when its last failure was recorded.</summary>
        public DateTimeOffset? Version { get; set; }
    }
}
