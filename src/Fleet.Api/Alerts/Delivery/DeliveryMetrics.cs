using System.Diagnostics.Metrics;
using Fleet.Api.Metrics;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>Delivery's instruments, on the API's meter: attempts by type and outcome, dead letters, the queue, latency.</summary>
internal sealed class DeliveryMetrics
{
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _deadLetters;
    private readonly Histogram<double> _latency;
    private long _pending = -1;

    public DeliveryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(FleetMeters.MeterName);
        _attempts = meter.CreateCounter<long>("fleet.alerts.delivery.attempts", description: "Alert delivery attempts by destination type and outcome (delivered, retry, permanent).");
        _deadLetters = meter.CreateCounter<long>("fleet.alerts.delivery.dead_letters", description: "Alert deliveries moved to the dead-letter list, by destination type.");
        _latency = meter.CreateHistogram<double>("fleet.alerts.delivery.latency", unit: "s", description: "Time from a notice's enqueue to its delivery, by destination type.");
        // The worker counts the pending rows on each pass; a scrape never queries the database. Nothing until it has.
        meter.CreateObservableGauge("fleet.alerts.delivery.pending", ObservePending, description: "Alert deliveries waiting to be delivered (all instances), as this instance's worker last counted.");
    }

    public void Attempted(string type, DeliveryOutcome outcome) =>
        _attempts.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));

    public void DeadLettered(string type) => _deadLetters.Add(1, new KeyValuePair<string, object?>("type", type));

    public void Delivered(string type, TimeSpan sinceEnqueued) =>
        _latency.Record(Math.Max(0, sinceEnqueued.TotalSeconds), new KeyValuePair<string, object?>("type", type));

    public void Pending(long count) => Interlocked.Exchange(ref _pending, count);

    public static string OutcomeName(DeliveryOutcome outcome) => outcome switch
    {
        DeliveryOutcome.Delivered => "delivered",
        DeliveryOutcome.Retry => "retry",
        _ => "permanent",
    };

    private IEnumerable<Measurement<long>> ObservePending()
    {
        var pending = Interlocked.Read(ref _pending);
        return pending < 0 ? [] : [new Measurement<long>(pending)];
    }
}
