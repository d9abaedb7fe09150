using System.Text.Json.Nodes;
using Fleet.Api.Audit;
using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Api.Mqtt;
using Fleet.Domain.Broker;
using Fleet.Domain.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Provisioning;

/// <summary>
/// Creates, rotates and revokes detector credentials: a random 192-bit secret, of which the database keeps only the
/// SHA-256 (what the embedded broker checks); with <see cref="ProvisioningOptions.MosquittoPasswordFile"/> the same
/// secret also goes, as Mosquitto's PBKDF2 hash, into that file. Used by the admin endpoints and the CLI.
/// </summary>
internal sealed partial class DetectorProvisioner(
    FleetDbContext db,
    IOptions<ProvisioningOptions> provisioning,
    IOptions<MqttOptions> mqtt,
    BrokerTransports transports,
    RetiredDetectorBroker broker,
    AuditLog audit,
    TimeProvider clock,
    ILogger<DetectorProvisioner> logger)
{
    /// <summary>Where the agent installer expects the password (infra/agent/README.md).</summary>
    public const string AgentPasswordFile = "/etc/fleet-agent/mqtt-password";

    /// <summary>Null when a detector may be provisioned under <paramref name="id"/>, otherwise why not.</summary>
    public static string? Refusal(string? id) =>
        DetectorId.Validate(id) ?? (DetectorId.IsReserved(id!)
            ? $"'{id}' is reserved: ids starting with 'api', 'monitor' or 'admin' belong to service accounts on the broker."
            : null);

    /// <summary>Creates the detector's credential, or replaces it (rotation); the previous secret stops working at once.</summary>
    /// <param name="id">The detector.</param>
    /// <param name="requestHost">The broker host the agent is told (see BrokerHostChoice); null: configured or this machine.</param>
    /// <param name="relay">The detector's relay port (Relays/RelayChoice), which the agent configuration then uses; null for none.</param>
    /// <param name="actor">Who provisions, for the audit trail (written with the credential).</param>
    /// <param name="ct">Cancels before the credential is stored.</param>
    public async Task<ProvisionedCredential> ProvisionAsync(string id, string? requestHost, Relays.RelayHandout? relay, AuditActor actor, CancellationToken ct)
    {
        if (Refusal(id) is { } refusal)
        {
            throw new ArgumentException(refusal, nameof(id));
        }

        var password = SecretHash.NewSecret();
        bool rotated;
        try
        {
            rotated = await StoreAsync(id, password, actor, ct);
        }
        catch (DbUpdateException ex) when (DatabaseFailures.Classify(ex) == DatabaseFailure.Poison)
        {
            // Two first provisionings of one id at once both found no row and the other's insert won: ours is then a
            // rotation, as it would have been a moment later.
            db.ChangeTracker.Clear();
            rotated = await StoreAsync(id, password, actor, ct);
        }

        // A rotation ends what the old secret opened (embedded broker; nothing to do with an external one).
        var dropped = rotated ? await broker.DisconnectAsync(id) : 0;
        var file = provisioning.Value.MosquittoPasswordFile;
        if (!string.IsNullOrEmpty(file))
        {
            await MosquittoPasswordFile.SetAsync(file, id, password, ct);
        }

        LogProvisioned(id, rotated, dropped, file ?? "-");
        var endpoints = EndpointsFor(requestHost);
        var config = AgentConfigFor(id, endpoints);
        if (relay is not null)
        {
            config = new AgentConfig(config.Agent with
            {
                Provider = "reverse-ssh",
                ReverseSsh = new AgentReverseSshSection(relay.Host, relay.User, relay.SshPort, relay.Port) { RemoteBindAddress = relay.RemoteBindAddress },
            });
        }

        return new ProvisionedCredential(id, id, password, rotated, !string.IsNullOrEmpty(file), config)
        {
            Warning = endpoints.Any(e => e.UseTls) ? null : AgentBrokerEndpoints.PlainTextWarning,
            Relay = relay,
        };
    }

    /// <summary>Writes the credential's hash (a new row, or over the existing one); true when it replaced one.</summary>
    private async Task<bool> StoreAsync(string id, string password, AuditActor actor, CancellationToken ct)
    {
        var credential = await db.DetectorCredentials.SingleOrDefaultAsync(c => c.DetectorId == id, ct);
        if (credential is null)
        {
            db.DetectorCredentials.Add(new DetectorCredentialRecord
            {
                DetectorId = id, SecretHash = SecretHash.Sha256Hex(password), CreatedAt = clock.GetUtcNow(),
            });
        }
        else
        {
            credential.SecretHash = SecretHash.Sha256Hex(password);
            credential.CreatedAt = clock.GetUtcNow();
            credential.RevokedAt = null;
        }

        // Staged here, not by the caller: a retry after a lost race clears the change tracker, and the entry with it.
        audit.Stage(db, actor, AuditActions.CredentialProvision, id, id, after: new JsonObject { ["rotated"] = credential is not null });
        await db.SaveChangesAsync(ct);
        return credential is not null;
    }

    /// <summary>
    /// Creates or rotates many credentials at once (a simulated fleet, a batch of new Pis): one transaction that
    /// replaces the rows of these ids (a revoked row too, so the id works again) and, with
    /// <paramref name="mosquittoPasswordFile"/>, one rewrite of that file. Live embedded-broker connections of rotated
    /// ids are not dropped (this is the command line; nothing is connected to it).
    /// </summary>
    public async Task<IReadOnlyList<(string Id, string Password)>> ProvisionManyAsync(
        IReadOnlyList<string> ids, string? mosquittoPasswordFile, AuditActor actor, CancellationToken ct)
    {
        foreach (var id in ids)
        {
            if (Refusal(id) is { } refusal)
            {
                throw new ArgumentException(refusal, nameof(ids));
            }
        }

        var now = clock.GetUtcNow();
        var credentials = ids.Select(id => (Id: id, Password: SecretHash.NewSecret())).ToList();
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // Delete and insert rather than read, compare and update: two statements' worth of round trips per chunk.
            foreach (var chunk in ids.Chunk(1000))
            {
                await db.DetectorCredentials.Where(c => chunk.Contains(c.DetectorId)).ExecuteDeleteAsync(ct);
            }

            db.DetectorCredentials.AddRange(credentials.Select(c => new DetectorCredentialRecord
            {
                DetectorId = c.Id, SecretHash = SecretHash.Sha256Hex(c.Password), CreatedAt = now,
            }));
            foreach (var id in ids)
            {
                audit.Stage(db, actor, AuditActions.CredentialProvision, id, id, after: new JsonObject { ["bulk"] = true });
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        db.ChangeTracker.Clear();
        if (!string.IsNullOrEmpty(mosquittoPasswordFile))
        {
            await MosquittoPasswordFile.SetManyAsync(mosquittoPasswordFile, credentials, ct);
        }

        LogProvisionedMany(ids.Count, mosquittoPasswordFile ?? "-");
        return credentials;
    }

    /// <summary>
    /// Revokes the credential (keeps the row with revoked_at), drops the detector's embedded-broker connections and
    /// removes its Mosquitto password line. False when the detector has no active credential.
    /// </summary>
    public async Task<bool> RevokeAsync(string id, AuditActor actor, CancellationToken ct)
    {
        var file = provisioning.Value.MosquittoPasswordFile;
        bool removed;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var revoked = await db.DetectorCredentials.Where(c => c.DetectorId == id && c.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, clock.GetUtcNow()), ct);
            removed = !string.IsNullOrEmpty(file) && await MosquittoPasswordFile.RemoveAsync(file, id, ct);
            if (revoked == 0 && !removed)
            {
                return false;
            }

            await audit.WriteAsync(db, actor, AuditActions.CredentialRevoke, id, id, null, ct);
            await transaction.CommitAsync(ct);
        }

        var dropped = await broker.DisconnectAsync(id);
        LogRevoked(id, dropped, removed);
        return true;
    }

    private IReadOnlyList<MqttEndpoint> EndpointsFor(string? requestHost)
    {
        var options = provisioning.Value;
        var embedded = mqtt.Value.Mode == MqttMode.Embedded;
        var host = options.BrokerHost is { Length: > 0 } configured ? configured : requestHost ?? System.Net.Dns.GetHostName();
        return AgentBrokerEndpoints.For(options, mqtt.Value, embedded ? transports.TlsPort : null, host);
    }

    private static AgentConfig AgentConfigFor(string id, IReadOnlyList<MqttEndpoint> endpoints)
    {
        // Agents older than Endpoints read Host/Port/UseTls: the first endpoint they can use (mqtt or mqtts).
        var legacy = endpoints.FirstOrDefault(e => !e.IsWebSocket) ?? endpoints[0];
        var section = new AgentMqttSection([.. endpoints.Select(e => e.Address)], legacy.Host, legacy.Port, legacy.UseTls, id, id, AgentPasswordFile);
        return new AgentConfig(new AgentSection(id, section));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Provisioned detector {DetectorId} (rotation: {Rotated}, embedded-broker connections dropped: {Dropped}, Mosquitto password file: {File})")]
    private partial void LogProvisioned(string detectorId, bool rotated, int dropped, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Provisioned {Count} detectors in one transaction (Mosquitto password file: {File})")]
    private partial void LogProvisionedMany(int count, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked detector {DetectorId} (embedded-broker connections dropped: {Dropped}, Mosquitto password line removed: {Removed})")]
    private partial void LogRevoked(string detectorId, int dropped, bool removed);
}
