using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Monitoring.HomeAssistant;

/// <summary>
/// Publishes a detector's discovery configs (<see cref="HomeAssistantConfigs"/>, retained) only when they differ from
/// what this instance last published for it, so heartbeats and unrelated changes publish nothing; removes them
/// (empty retained payloads) on decommission. Called by the monitoring publisher after each registry view, and by the
/// sweep at start (<see cref="HomeAssistantSweep"/>). One publish at a time, so a sweep that read a view before a
/// change never overwrites the newer config: it skips any detector already published since the start.
/// </summary>
internal sealed class HomeAssistantDiscovery(MonitoringMqtt mqtt, IOptions<HomeAssistantOptions> options) : IDisposable
{
    // What was last published per detector: a hash of its configs, or Removed after a decommission (so the sweep does
    // not bring back a device it read just before). One entry per detector: 100,000 detectors take a few megabytes.
    private readonly ConcurrentDictionary<string, long> _published = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private const long Removed = 0;

    public bool Enabled => options.Value.Enabled;

    /// <summary>Config messages published since the start (three per detector published).</summary>
    public long PublishedTotal { get; private set; }

    /// <summary>After the detector's registry view was published: its configs, if they changed.</summary>
    public Task<int> PublishAsync(DetectorView view, CancellationToken ct) => PublishAsync(view, onlyIfNew: false, ct);

    /// <summary>From the sweep at start: the configs, unless this detector was published (or removed) meanwhile.</summary>
    public Task<int> PublishIfNewAsync(DetectorView view, CancellationToken ct) => PublishAsync(view, onlyIfNew: true, ct);

    /// <summary>Before the decommissioned detector's registry view is cleared: empty retained configs remove the device.</summary>
    public async Task RemoveAsync(string detectorId, CancellationToken ct)
    {
        if (!Enabled)
        {
            return;
        }

        await _gate.WaitAsync(ct);
        try
        {
            foreach (var topic in HomeAssistantConfigs.Topics(options.Value.Prefix, detectorId))
            {
                await mqtt.PublishAsync(topic, [], retain: true, ct);
            }

            _published[detectorId] = Removed;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<int> PublishAsync(DetectorView view, bool onlyIfNew, CancellationToken ct)
    {
        if (!Enabled)
        {
            return 0;
        }

        var configs = HomeAssistantConfigs.For(view, options.Value)
            .Select(c => (c.Topic, Payload: Encoding.UTF8.GetBytes(c.Payload.ToJsonString())))
            .ToList();
        var hash = Hash(configs);
        await _gate.WaitAsync(ct);
        try
        {
            var known = _published.TryGetValue(view.Id, out var last);
            if ((onlyIfNew && known) || (known && last == hash))
            {
                return 0;
            }

            foreach (var (topic, payload) in configs)
            {
                await mqtt.PublishAsync(topic, payload, retain: true, ct);
            }

            // Recorded after every config went out: a failure leaves it unrecorded, so the next view tries again.
            _published[view.Id] = hash;
            PublishedTotal += configs.Count;
            return configs.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private static long Hash(List<(string Topic, byte[] Payload)> configs)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (topic, payload) in configs)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(topic));
            sha.AppendData(payload);
        }

        var hash = BitConverter.ToInt64(sha.GetHashAndReset(), 0);
        return hash == Removed ? 1 : hash;
    }
}
