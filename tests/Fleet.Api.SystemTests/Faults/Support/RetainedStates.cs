using System.Text.Json;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;

namespace Fleet.Api.SystemTests.Faults.Support;

/// <summary>
/// Reads what the broker holds as each detector's retained state. A retained QoS 1 state is the last one whose publish
/// the broker acknowledged, i.e. the accepted state, for detectors the test does not drive itself (agent processes).
/// </summary>
internal static class RetainedStates
{
    public static async Task<AcceptedStates> ReadAsync(MosquittoBroker broker, IReadOnlyCollection<string> ids, CancellationToken ct = default)
    {
        await using var monitor = await MqttTestClient.ConnectAsync(broker.Host, broker.Port, "monitor", broker.MonitorPassword, ct: ct);
        foreach (var id in ids)
        {
            await monitor.SubscribeAsync(FleetTopics.State(id), ct);
        }

        var accepted = new AcceptedStates();
        foreach (var id in ids)
        {
            var (_, payload) = await monitor.WaitForMessageAsync((topic, _) => topic == FleetTopics.State(id), TimeSpan.FromSeconds(10), ct);
            accepted.Accept(JsonSerializer.Deserialize(payload, FleetJsonContext.Default.StateMessage)!);
        }

        return accepted;
    }
}
