using Fleet.Api.Data;
using Fleet.Domain.Identity;
using Fleet.Domain.Topics;
using Microsoft.EntityFrameworkCore;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Fleet.Api.Mqtt;

/// <summary>
/// Client ids on the embedded broker belong to identities, as Mosquitto's use_username_as_clientid makes them there
/// (infra/mosquitto/mosquitto.conf). MQTTnet resumes a session, and takes over its connection, by client id alone; so
/// without these rules any credential could resume the API's session (and its role) or kick another client off.
/// <list type="bullet">
/// <item>a detector connects with its own id as client id (none: it is assigned);</item>
/// <item>only the API identity may use <c>Mqtt:ClientId</c>; a monitor may not use a detector's id;</item>
/// <item>a client id whose session another identity holds is refused, except that a detector's own id is always its own;</item>
/// <item>an identity holds at most <see cref="EmbeddedBrokerOptions.MaxSessionsPerIdentity"/> sessions.</item>
/// </list>
/// </summary>
internal sealed partial class EmbeddedBroker
{
    private async Task<(MqttConnectReasonCode Code, string Reason)?> ClaimClientIdAsync(ValidatingConnectionEventArgs e, BrokerIdentity identity)
    {
        var clientId = e.ClientId;
        if (string.IsNullOrEmpty(clientId))
        {
            if (e.ProtocolVersion != MqttProtocolVersion.V500)
            {
                return (MqttConnectReasonCode.ClientIdentifierNotValid, "A client id is required.");
            }

            clientId = identity.Role == BrokerRole.Detector ? identity.Username : $"{identity.Username}-{Guid.NewGuid():N}";
            e.AssignedClientIdentifier = clientId;
        }

        if (identity.Role == BrokerRole.Detector && clientId != identity.Username)
        {
            return (MqttConnectReasonCode.ClientIdentifierNotValid, "A detector's client id must be its detector id (its user name).");
        }

        if (clientId == options.Value.ClientId && identity.Role != BrokerRole.Api)
        {
            return (MqttConnectReasonCode.ClientIdentifierNotValid, "This client id is reserved for the Fleet API.");
        }

        if (identity.Role == BrokerRole.Monitor && await IsDetectorIdAsync(clientId, e.CancellationToken))
        {
            return (MqttConnectReasonCode.ClientIdentifierNotValid, "This client id is a detector's id; choose another.");
        }

        var max = _embedded.MaxSessionsPerIdentity;
        var claim = _clientIds.TryClaim(clientId, identity.Key, max);
        if (claim == ClientIdClaim.OwnedByAnother && identity.Role == BrokerRole.Detector)
        {
            // A session made under this id before the detector existed (a monitor's): it is not handed to the detector.
            await DeleteSessionAsync(clientId);
            claim = _clientIds.TryClaim(clientId, identity.Key, max);
        }

        if (claim == ClientIdClaim.QuotaExceeded && await FreeSessionAsync(identity.Key))
        {
            claim = _clientIds.TryClaim(clientId, identity.Key, max);
        }

        return claim switch
        {
            ClientIdClaim.Claimed or ClientIdClaim.Owned => null,
            ClientIdClaim.OwnedByAnother => (MqttConnectReasonCode.ClientIdentifierNotValid, "This client id is in use by another identity."),
            _ => (MqttConnectReasonCode.QuotaExceeded, "This identity has the most sessions allowed (Mqtt:Embedded:MaxSessionsPerIdentity), all connected."),
        };
    }

    private async Task<bool> IsDetectorIdAsync(string clientId, CancellationToken ct)
    {
        if (!DetectorId.IsValid(clientId) || DetectorId.IsReserved(clientId))
        {
            return false;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        return await db.DetectorCredentials.AnyAsync(c => c.DetectorId == clientId, ct)
            || await db.Detectors.AnyAsync(d => d.Id == clientId, ct);
    }

    /// <summary>
    /// Makes room for one more session of <paramref name="owner"/>: forgets claims whose session is gone, deletes
    /// expired sessions (MQTTnet only expires a session when its id connects again) and, failing that, the owner's
    /// longest-disconnected session. False when every session of the owner is connected.
    /// </summary>
    private async Task<bool> FreeSessionAsync(string owner)
    {
        var sessions = (await _server!.GetSessionsAsync()).ToDictionary(s => s.Id, StringComparer.Ordinal);
        var now = clock.GetUtcNow().UtcDateTime;
        var freed = false;
        MqttSessionStatus? oldest = null;
        foreach (var clientId in _clientIds.ClientIdsOf(owner))
        {
            if (!sessions.TryGetValue(clientId, out var session))
            {
                _clientIds.Release(clientId);
                freed = true;
            }
            else if (session.DisconnectedTimestamp is { } disconnected)
            {
                if (session.ExpiryInterval != uint.MaxValue && now > disconnected.AddSeconds(session.ExpiryInterval))
                {
                    await session.DeleteAsync();
                    freed = true;
                }
                else if (oldest is null || disconnected < oldest.DisconnectedTimestamp)
                {
                    oldest = session;
                }
            }
        }

        if (!freed && oldest is not null)
        {
            await oldest.DeleteAsync();
            freed = true;
        }

        return freed;
    }

    private async Task DeleteSessionAsync(string clientId)
    {
        var session = (await _server!.GetSessionsAsync()).FirstOrDefault(s => s.Id == clientId);
        if (session is null)
        {
            _clientIds.Release(clientId);
            return;
        }

        // Deleting also ends its connection, and the SessionDeleted event releases the claim.
        await session.DeleteAsync();
        _clientIds.Release(clientId);
    }

    private Task OnSessionDeletedAsync(SessionDeletedEventArgs e)
    {
        _clientIds.Release(e.Id);
        return Task.CompletedTask;
    }

    /// <summary>
    /// MQTTnet gives a resumed session the items of the session it resumes, not those written while validating, so the
    /// role and user are written into the session here, on every connect, from what this connection's login proved.
    /// </summary>
    private Task OnClientConnectedAsync(ClientConnectedEventArgs e)
    {
        var identity = _connections.Find(e.RemoteEndPoint)?.Identity;
        if (identity is null)
        {
            e.SessionItems.Remove(RoleItem);
            e.SessionItems.Remove(UserItem);
        }
        else
        {
            e.SessionItems[RoleItem] = identity.Role;
            e.SessionItems[UserItem] = identity.Username;
        }

        e.SessionItems.Remove(RevokedItem);
        return Task.CompletedTask;
    }
}
