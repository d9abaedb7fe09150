using Fleet.Api.Auth;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;

namespace Fleet.Api.SystemTests.Faults.Support;

/// <summary>
/// Detectors as plain MQTT 5 clients with their own broker credentials (volume without agent processes). Every
/// state whose PUBACK is a success is handed to <see cref="AcceptedStates"/>: that is the definition of accepted.
/// </summary>
internal sealed class FaultDetectors : IAsyncDisposable
{
    private readonly MosquittoBroker _broker;
    private readonly AcceptedStates _accepted;
    private readonly Dictionary<string, string> _passwords = [];
    private readonly Dictionary<string, MqttTestClient> _clients = [];

    private FaultDetectors(MosquittoBroker broker, AcceptedStates accepted, IReadOnlyList<string> ids)
    {
        _broker = broker;
        _accepted = accepted;
        Ids = ids;
    }

    public IReadOnlyList<string> Ids { get; }

    public static async Task<FaultDetectors> CreateAsync(MosquittoBroker broker, AcceptedStates accepted, string prefix, int count, CancellationToken ct = default)
    {
        var ids = Enumerable.Range(0, count).Select(i => Messages.NewId($"{prefix}{i}")).ToList();
        var detectors = new FaultDetectors(broker, accepted, ids);
        foreach (var id in ids)
        {
            var password = SecretHash.NewSecret();
            await broker.AddUserAsync(id, password, ct);
            detectors._passwords[id] = password;
        }

        await detectors.ConnectAllAsync(ct);
        return detectors;
    }

    /// <summary>(Re)connects every detector with a clean start (after the broker restarted, say).</summary>
    public async Task ConnectAllAsync(CancellationToken ct = default)
    {
        foreach (var id in Ids)
        {
            if (_clients.Remove(id, out var old))
            {
                await old.DisposeAsync();
            }

            _clients[id] = await MqttTestClient.ConnectAsync(_broker.Host, _broker.Port, id, _passwords[id], ct: ct);
        }
    }

    public static string Url(string id, long epoch, long seq) => $"https://{id}-e{epoch}-s{seq}.ngrok-free.app";

    /// <summary>Publishes a state (retained, as agents do, unless told otherwise); true when the broker acknowledged it (then it is an accepted state).</summary>
    public async Task<bool> PublishStateAsync(string id, long epoch, long seq, bool retain = true, CancellationToken ct = default)
    {
        var state = Messages.State(id, epoch, seq, Url(id, epoch, seq));
        try
        {
            var result = await _clients[id].PublishAsync(FleetTopics.State(id), Messages.Json(state), retain, ct);
            if (result.IsSuccess)
            {
                _accepted.Accept(state);
                return true;
            }
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            // Not acknowledged: not an accepted state, nothing to record.
        }

        return false;
    }

    /// <summary>Every detector publishes seq from..to (epoch fixed); returns how many were acknowledged.</summary>
    public async Task<int> PublishRoundsAsync(long epoch, long fromSeq, long toSeq, bool retain = true, CancellationToken ct = default)
    {
        var acked = 0;
        for (var seq = fromSeq; seq <= toSeq; seq++)
        {
            var results = await Task.WhenAll(Ids.Select(id => PublishStateAsync(id, epoch, seq, retain, ct)));
            acked += results.Count(ok => ok);
        }

        return acked;
    }

    public MqttTestClient Client(string id) => _clients[id];

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            await client.DisposeAsync();
        }

        _clients.Clear();
    }
}
