using System.Text.Json.Nodes;
using Fleet.Api.Audit;
using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Api.History;
using Fleet.Api.Ingest;
using Fleet.Api.Mqtt;
using Fleet.Domain.Identity;
using Fleet.Domain.Messages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

using Fleet.Api.Registry;

namespace Fleet.Api.Detectors;

/// <summary>
/// <c>DELETE /detectors/{id}</c>: decommissions a detector. One transaction records a <c>decommissioned</c> event (the
/// history has no foreign key to detectors, so it outlives the row), deletes the detector (its tunnels cascade) and
/// revokes its embedded-broker credential and releases its relay ports; a detector provisioned but never online (no
/// row, only a credential or a relay port) is decommissioned the same way. After the commit: the event goes to the sink (<c>fleet/v1/events/{id}</c>),
/// the embedded broker drops the detector's connection, and its retained status, state and registry are cleared.
/// </summary>
internal static partial class DecommissionEndpoint
{
    public static RouteHandlerBuilder MapDecommission(this RouteGroupBuilder group) =>
        group.MapDelete("/{id}", DecommissionAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("DecommissionDetector")
            .WithSummary("Decommission a detector: remove it, revoke its broker credential, clear its retained topics (admin)")
            .WithDescription("Its history stays readable (with a final `decommissioned` event) until the retention removes it. " +
                "A detector provisioned but never online (a credential or a relay port, no state yet) is decommissioned too. " +
                "A second call answers 404. With an external broker, remove the detector's broker credential as well " +
                "(see infra/README.md, Decommissioning); until then its next message registers it again.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DecommissionAsync(
        string id,
        HttpContext http,
        FleetDbContext db,
        ISqlDialect dialect,
        IEventSink sink,
        IDetectorChanges changes,
        RetiredDetectorBroker broker,
        TimeProvider clock,
        AuditLog audit,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        if (DetectorId.Validate(id) is { } idError)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [idError] });
        }

        var at = clock.GetUtcNow();
        var events = new List<FleetEvent>();
        var revoked = 0;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // The tags go with the event: alert rules select by tag, and the row is gone by the time they evaluate it.
            var tags = await db.Detectors.AsNoTracking().Where(d => d.Id == id).Select(d => d.Tags).SingleOrDefaultAsync(ct) ?? [];

            // Every step changes rows only once, so two concurrent calls are safe: the second changes nothing and
            // answers 404.
            var deleted = await db.Detectors.Where(d => d.Id == id).ExecuteDeleteAsync(ct);

            // Revoked, not deleted: the row records when and that the credential stopped working, and the embedded
            // broker's login already refuses a revoked credential. Re-provisioning the id replaces the row.
            revoked = await db.DetectorCredentials.Where(c => c.DetectorId == id && c.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, at), ct);
            // The detector's relay ports go back to the pool with it (the relay admin still runs install.sh remove-key).
            var released = await Relays.RelayPortAllocator.ReleaseAsync(db, id, ct);

            // A detector provisioned but never online has no row yet; its credential and relay port are still
            // decommissioned, so a Pi that never came up does not hold a port for ever.
            if (deleted == 0 && revoked == 0 && released == 0)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Detector not found",
                    detail: $"No detector with id '{id}' is known.");
            }

            // The event's "by" (CONTRACT) names the same actor as the audit entry: one rule for who did it (AuditActor).
            var actor = AuditActor.Of(http);
            var data = new JsonObject { ["by"] = actor.Name };
            if (tags.Count > 0)
            {
                data["tags"] = new JsonArray([.. tags.Select(t => JsonValue.Create(t))]);
            }

            events.Add(new FleetEvent { Type = EventTypes.Decommissioned, DetectorId = id, At = at, Data = data });
            await EventLog.AppendAsync(db, dialect, events, ct);
            await audit.WriteAsync(db, actor, AuditActions.DetectorDecommission, id, id, new JsonObject { ["credentialRevoked"] = revoked > 0, ["relayPortReleased"] = released > 0 }, ct);
            await transaction.CommitAsync(ct);
        }

        // After the commit, and not cancellable by the caller any more: the detector is gone either way.
        await changes.ChangedAsync([id], CancellationToken.None);
        await sink.PublishAsync(id, events, CancellationToken.None);
        var dropped = await broker.DisconnectAsync(id);
        var cleared = await broker.ClearRetainedAsync(id, CancellationToken.None);
        var logger = loggers.CreateLogger(typeof(DecommissionEndpoint));
        LogDecommissioned(logger, id, revoked > 0, dropped, cleared);
        return TypedResults.NoContent();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Decommissioned detector {DetectorId} (credential revoked: {Revoked}, connections dropped: {Dropped}, retained topics cleared: {Cleared})")]
    private static partial void LogDecommissioned(ILogger logger, string detectorId, bool revoked, int dropped, bool cleared);
}
