using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Fleet.Api.Audit;
using Fleet.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>PATCH /alerts/destinations/{id}: the update merged over the stored destination, validated as a creation.</summary>
internal static class DestinationUpdateEndpoint
{
    internal static async Task<Results<Ok<DestinationView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        long id, DestinationUpdate update, HttpContext http, AuditLog audit, FleetDbContext db, DestinationSecrets secrets, DestinationCircuits circuits, DeliverySignal signal,
        TimeProvider clock, IOptions<AlertDeliveryOptions> options, CancellationToken ct)
    {
        if (await db.AlertDestinations.SingleOrDefaultAsync(d => d.Id == id, ct) is not { } record)
        {
            return DestinationEndpoints.NotFound(id);
        }

        DestinationInput merged;
        try
        {
            merged = DestinationMapping.Merge(record, update, secrets);
        }
        catch (CryptographicException)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict, title: "Stored secret unreadable",
                detail: "The destination's stored secret cannot be decrypted (was the key ring replaced?): give the URL or token again.");
        }

        var errors = DestinationValidation.Validate(merged, options.Value.AllowHttp);
        if (update.Type is not null && update.Type != record.Type)
        {
            errors["type"] = [$"A destination's type cannot change (it is {record.Type}): create another destination."];
        }

        if (update.RotateSecret == true && record.Type != DestinationTypes.Webhook)
        {
            errors["rotateSecret"] = ["Only a webhook has a signing secret to rotate."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (merged.Name != record.Name && await db.AlertDestinations.AnyAsync(d => d.Name == merged.Name && d.Id != id, ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Name taken", detail: $"A destination named '{merged.Name}' exists.");
        }

        var signingSecret = update.RotateSecret == true ? DestinationSecrets.NewWebhookSecret() : null;
        var now = clock.GetUtcNow();
        DestinationMapping.Apply(record, merged, update.Enabled, signingSecret, secrets, now);
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            audit.Stage(db, AuditActor.Of(http), AuditActions.DestinationUpdate, DestinationEndpoints.Target(id), after: Changed(update, record.Name));
            await db.SaveChangesAsync(ct);

            // What waited out a backoff against the old settings goes now (the lease's holder keeps its own).
            await DeliveryClaims.HurryAsync(db, id, now, ct);
            await transaction.CommitAsync(ct);
        }

        // This instance at once; the others when they next claim (the changed UpdatedAt, DeliveryDispatcher).
        circuits.ResetChanged(new Dictionary<long, DateTimeOffset?> { [id] = record.UpdatedAt });
        signal.Wake();
        return TypedResults.Ok(DestinationMapping.ToView(record) with { SigningSecret = signingSecret });
    }

    /// <summary>Which fields the update gave, by name only: a URL, a token or a secret is never copied into the audit trail.</summary>
    private static JsonObject Changed(DestinationUpdate update, string name)
    {
        var given = new (string Field, bool Given)[]
        {
            ("name", update.Name is not null), ("url", update.Url is not null), ("recipients", update.Recipients is not null),
            ("token", update.Token is not null), ("signingSecret", update.RotateSecret == true), ("enabled", update.Enabled is not null),
        };
        return new JsonObject
        {
            ["name"] = name,
            ["changed"] = new JsonArray([.. given.Where(g => g.Given).Select(g => JsonValue.Create(g.Field))]),
        };
    }
}
