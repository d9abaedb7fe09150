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

    /// <summary>Records an attempt's outcome; true when it closed a circuit that was open (its waiting deliveries may go now).</summary>
    public bool Record(long destinationId, DeliveryOutcome outcome, AlertDeliveryOptions options)
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
    }
}
