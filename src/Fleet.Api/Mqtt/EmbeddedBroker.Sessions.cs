using Fleet.Domain.Topics;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Fleet.Api.Mqtt;

/// <summary>Ending a decommissioned detector's presence on the embedded broker.</summary>
internal sealed partial class EmbeddedBroker
{
    /// <summary>
    /// Drops every live connection of the detector <paramref name="detectorId"/> (by username, whatever its client id)
    /// and deletes its sessions, so a credential revoked in the database takes effect at once rather than at the next
    /// connect. The sessions are marked revoked first, so their will messages are refused (see InterceptPublishAsync).
    /// Returns the number of connections dropped.
    /// </summary>
    public async Task<int> DisconnectDetectorAsync(string detectorId)
    {
        if (_server is null)
        {
            return 0;
        }

        var sessions = (await _server.GetSessionsAsync()).Where(s => IsDetector(s.Items, detectorId)).ToList();
        foreach (var session in sessions)
        {
            session.Items[RevokedItem] = true;
        }

        var dropped = 0;
        foreach (var client in await _server.GetClientsAsync())
        {
            if (IsDetector(client.Session.Items, detectorId))
            {
                client.Session.Items[RevokedItem] = true;
                await client.DisconnectAsync(new MqttServerClientDisconnectOptions
                {
                    ReasonCode = MqttDisconnectReasonCode.NotAuthorized,
                    ReasonString = "The detector was decommissioned.",
                });
                dropped++;
            }
        }

        foreach (var session in sessions)
        {
            await session.DeleteAsync();
        }

        LogDetectorDisconnected(detectorId, dropped, sessions.Count);
        return dropped;
    }

    private static bool IsDetector(System.Collections.IDictionary items, string detectorId) =>
        items[RoleItem] is BrokerRole.Detector && items[UserItem] as string == detectorId;

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded broker: decommissioned detector {DetectorId}: {Dropped} connections dropped, {Sessions} sessions deleted")]
    private partial void LogDetectorDisconnected(string detectorId, int dropped, int sessions);
}
