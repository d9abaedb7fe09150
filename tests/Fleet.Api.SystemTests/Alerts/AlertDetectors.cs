using System.Collections.Concurrent;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Api.SystemTests.Simulator;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Alerts;

/// <summary>
/// Detectors for the alert scenarios, provisioned as an operator does (<c>fleet-api detectors provision-many</c> into
/// the database and the broker's password file) and driven as plain MQTT 5 clients speaking the contract: online with
/// a retained state, then <c>lost</c> (what the broker publishes as the agent's will when its link drops) and back
/// online with the next epoch (the agent reconnecting).
/// </summary>
internal sealed class AlertDetectors : IAsyncDisposable
{
    private readonly MosquittoBroker _broker;
    private readonly string _directory;
    private readonly Dictionary<string, string> _passwords;
    private readonly ConcurrentDictionary<string, MqttTestClient> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _epochs = new(StringComparer.Ordinal);
    private int _taken;

    private AlertDetectors(MosquittoBroker broker, string directory, Dictionary<string, string> passwords)
    {
        _broker = broker;
        _directory = directory;
        _passwords = passwords;
    }

    public static async Task<AlertDetectors> ProvisionAsync(FaultStack stack, int count, string prefix, ITestOutputHelper output)
    {
        var directory = Directory.CreateTempSubdirectory("fleet-alert-detectors-").FullName;
        var credentials = await SimulatedFleet.ProvisionAsync(stack.Broker, stack.ConnectionString, count, prefix, directory, output);
        var passwords = File.ReadLines(credentials).Select(l => l.Split(',', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        return new AlertDetectors(stack.Broker, directory, passwords);
    }

    /// <summary>The next <paramref name="count"/> provisioned detectors nobody used yet.</summary>
    public IReadOnlyList<string> Take(int count)
    {
        var ids = _passwords.Keys.Order(StringComparer.Ordinal).Skip(_taken).Take(count).ToList();
        Assert.True(ids.Count == count, $"only {ids.Count} of {count} provisioned detectors left");
        _taken += count;
        return ids;
    }

    /// <summary>Connects the detectors, says online (epoch 1) with a state, waits until the API shows them online, then tags them over REST.</summary>
    public async Task OnlineAsync(AlertsApi api, IReadOnlyList<string> ids, string tag, CancellationToken ct)
    {
        await Task.WhenAll(ids.Select(async id =>
        {
            _clients[id] = await MqttTestClient.ConnectAsync(_broker.Host, _broker.Port, id, _passwords[id], ct: ct);
            _epochs[id] = 1;
            await PublishAsync(id, Messages.Json(Messages.Status(Presence.Online, 1)), FleetTopics.Status(id), ct);
            await PublishAsync(id, Messages.Json(Messages.State(id, 1, 0)), FleetTopics.State(id), ct);
        }));
        await WaitStatusAsync(api, ids, Presence.Online, ct);
        foreach (var id in ids)
        {
            await api.TagAsync(id, tag, ct);
        }
    }

    /// <summary>The broker's view of a dropped link: the agent's retained will, <c>lost</c> at the current epoch.</summary>
    public Task LostAsync(IEnumerable<string> ids, CancellationToken ct) =>
        Task.WhenAll(ids.Select(id => PublishAsync(id, Messages.Json(Messages.Status(Presence.Lost, _epochs[id])), FleetTopics.Status(id), ct)));

    /// <summary>The agent reconnected: online at the next epoch, with its state.</summary>
    public Task BackAsync(IEnumerable<string> ids, CancellationToken ct) =>
        Task.WhenAll(ids.Select(async id =>
        {
            var epoch = _epochs.AddOrUpdate(id, 1, (_, e) => e + 1);
            await PublishAsync(id, Messages.Json(Messages.Status(Presence.Online, epoch)), FleetTopics.Status(id), ct);
            await PublishAsync(id, Messages.Json(Messages.State(id, epoch, 0)), FleetTopics.State(id), ct);
        }));

    /// <summary>Waits until GET /detectors/{id} shows every one of <paramref name="ids"/> with <paramref name="status"/>.</summary>
    public static Task WaitStatusAsync(AlertsApi api, IReadOnlyList<string> ids, Presence status, CancellationToken ct) =>
        Eventually.TrueAsync(
            async () =>
            {
                foreach (var id in ids)
                {
                    if ((await api.DetectorAsync(id, ct))?.Status != status)
                    {
                        return false;
                    }
                }

                return true;
            },
            $"{ids.Count} detector(s) shown {status}",
            TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            await client.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private async Task PublishAsync(string id, string json, string topic, CancellationToken ct)
    {
        var result = await _clients[id].PublishAsync(topic, json, retain: true, ct);
        Assert.True(result.IsSuccess, $"{id}: PUBACK {result.ReasonCode} for {topic}");
    }
}
