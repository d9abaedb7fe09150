using System.Collections.Concurrent;
using Fleet.Api.Alerts.Delivery;

namespace Fleet.Api.Tests.Alerts.Delivery;

/// <summary>
/// A receiver whose answers the test scripts (then <see cref="Otherwise"/>), recording every send and catching two
/// sends of one notice to one destination at the same time.
/// </summary>
public sealed class ScriptedSender(string type = DestinationTypes.Webhook) : IAlertSender
{
    private readonly ConcurrentQueue<DeliveryResult> _script = new();
    private readonly ConcurrentQueue<Sent> _sent = new();
    private readonly ConcurrentDictionary<string, int> _inFlight = new();
    private int _overlaps;

    public string Type => type;

    /// <summary>The answer once the script is used up.</summary>
    public DeliveryResult Otherwise { get; set; } = DeliveryResult.Delivered(200);

    /// <summary>How long each send takes (a real delay: it widens the window in which two workers could overlap).</summary>
    public TimeSpan Latency { get; set; }

    public IReadOnlyList<Sent> Calls => [.. _sent];

    /// <summary>How many times a send started while another send of the same notice to the same destination was running.</summary>
    public int Overlaps => Volatile.Read(ref _overlaps);

    public ScriptedSender Then(params DeliveryResult[] results)
    {
        foreach (var result in results)
        {
            _script.Enqueue(result);
        }

        return this;
    }

    public async Task<DeliveryResult> SendAsync(AlertDestination destination, AlertNotice notice, CancellationToken cancellationToken)
    {
        var key = $"{destination.Id}/{notice.Id}";
        if (_inFlight.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
        {
            Interlocked.Increment(ref _overlaps);
        }

        try
        {
            _sent.Enqueue(new Sent(destination, notice));
            if (Latency > TimeSpan.Zero)
            {
                await Task.Delay(Latency, cancellationToken);
            }

            return _script.TryDequeue(out var result) ? result : Otherwise;
        }
        finally
        {
            _inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
        }
    }

    public sealed record Sent(AlertDestination Destination, AlertNotice Notice);
}
