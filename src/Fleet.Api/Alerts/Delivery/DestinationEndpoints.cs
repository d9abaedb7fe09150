using System.Text.Json.Nodes;
using Fleet.Api.Audit;
using Fleet.Api.Auth;
using Fleet.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>Admin REST for destinations: create (a webhook's signing secret is shown once), list, read, delete, test.</summary>
internal static class DestinationEndpoints
{
    public static void MapDestinationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/alerts/destinations")
            .WithTags("Alerts")
            .RequireAuthorization(Roles.AdminPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/", ListAsync)
            .WithName("ListAlertDestinations")
            .WithSummary("Where alert notices go (admin)")
            .WithDescription("Secrets are never shown: `hasSecret` says whether one is stored, a Slack URL shows only its host.");

        group.MapPost("/", CreateAsync)
            .WithName("CreateAlertDestination")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Add a webhook, ntfy, Slack or e-mail destination (admin)")
            .WithDescription("A webhook gets a Standard Webhooks signing secret (`whsec_…`), returned in `signingSecret` of this answer " +
                "and never again: keep it where the receiver verifies signatures. URLs must be absolute https " +
                "(http where Alerts:Delivery:AllowHttp is true), without user name or password.");

        group.MapGet("/{id}", GetAsync)
            .WithName("GetAlertDestination")
            .WithSummary("One destination (admin)");

        group.MapPatch("/{id}", DestinationUpdateEndpoint.UpdateAsync)
            .WithName("UpdateAlertDestination")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Change a destination's name, URL, recipients, token or enabled; rotate a webhook's secret (admin)")
            .WithDescription("Fields left out keep their value; the result is validated as a creation is (400 naming the field, 409 for " +
                "a name taken). Secrets are write-only: `token` replaces the ntfy token (\"\" removes it), `rotateSecret: true` " +
                "gives a webhook a new signing secret, returned in `signingSecret` of this answer only; a Slack URL is given whole. " +
                "The type cannot change. The destination's circuit breaker starts closed again on every instance, and its " +
                "pending deliveries are due at once. `enabled: false` stops sending: its deliveries go to the dead-letter list.");

        group.MapDelete("/{id}", DeleteAsync)
            .WithName("DeleteAlertDestination")
            .WithSummary("Remove a destination (admin)")
            .WithDescription("Its delivery history stays; deliveries still pending to it go to the dead-letter list when their turn comes.");

        group.MapPost("/{id}/test", TestAsync)
            .WithName("TestAlertDestination")
            .WithSummary("Send a test notice now and show what the receiver answered (admin)")
            .WithDescription("Sent directly, once, without the outbox: nothing is retried or recorded.");
    }

    internal static async Task<Ok<IReadOnlyList<DestinationView>>> ListAsync(FleetDbContext db, CancellationToken ct)
    {
        var records = await db.AlertDestinations.AsNoTracking().OrderBy(d => d.Id).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<DestinationView>>([.. records.Select(DestinationMapping.ToView)]);
    }

    internal static async Task<Results<Ok<DestinationView>, ProblemHttpResult>> GetAsync(long id, FleetDbContext db, CancellationToken ct) =>
        await db.AlertDestinations.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct) is { } record
            ? TypedResults.Ok(DestinationMapping.ToView(record))
            : NotFound(id);

    internal static async Task<Results<Created<DestinationView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        DestinationInput input, HttpContext http, FleetDbContext db, DestinationSecrets secrets, AuditLog audit, TimeProvider clock,
        IOptions<AlertDeliveryOptions> options, CancellationToken ct)
    {
        var errors = DestinationValidation.Validate(input, options.Value.AllowHttp);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await db.AlertDestinations.AnyAsync(d => d.Name == input.Name, ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Name taken", detail: $"A destination named '{input.Name}' exists.");
        }

        var signingSecret = input.Type == DestinationTypes.Webhook ? DestinationSecrets.NewWebhookSecret() : null;
        var record = DestinationMapping.ToRecord(input, signingSecret, secrets, clock.GetUtcNow());
        // The entry names the new id, known only after the insert: both in one transaction. Name and type only, no URL.
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.AlertDestinations.Add(record);
            await db.SaveChangesAsync(ct);
            await audit.WriteAsync(db, AuditActor.Of(http), AuditActions.DestinationCreate, Target(record.Id), null,
                new JsonObject { ["name"] = record.Name, ["type"] = record.Type }, ct);
            await transaction.CommitAsync(ct);
        }

        var view = DestinationMapping.ToView(record) with { SigningSecret = signingSecret };
        return TypedResults.Created($"/alerts/destinations/{record.Id}", view);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        long id, HttpContext http, FleetDbContext db, AuditLog audit, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.AlertDestinations.Where(d => d.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            return NotFound(id);
        }

        await audit.WriteAsync(db, AuditActor.Of(http), AuditActions.DestinationDelete, Target(id), null, null, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    internal static string Target(long id) => $"destination:{id}";

    internal static async Task<Results<Ok<DestinationTestView>, ProblemHttpResult>> TestAsync(
        long id, FleetDbContext db, DestinationSecrets secrets, IEnumerable<IAlertSender> senders, TimeProvider clock,
        IOptions<AlertDeliveryOptions> options, CancellationToken ct)
    {
        if (await db.AlertDestinations.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct) is not { } record)
        {
            return NotFound(id);
        }

        if (senders.For(record.Type) is not { } sender)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status501NotImplemented, title: "No sender", detail: $"This instance cannot send to '{record.Type}' destinations.");
        }

        var now = clock.GetUtcNow();
        var notice = new AlertNotice
        {
            Id = $"test-{id}-{Guid.NewGuid():N}",
            Kind = NoticeKinds.Fired,
            AlertId = 0,
            RuleId = 0,
            RuleName = "test",
            Event = "test",
            Title = $"Fleet test notice for {record.Name}",
            Text = "This is a test notice from Fleet: if you read this, alerts reach you here.",
            DetectorIds = [],
            At = now,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.AttemptTimeout);
        DeliveryResult result;
        try
        {
            result = await sender.SendAsync(DestinationMapping.ToDestination(record, secrets), notice, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            result = DeliveryResult.Retry($"no answer within {options.Value.AttemptTimeout}");
        }

        return TypedResults.Ok(new DestinationTestView(DeliveryMetrics.OutcomeName(result.Outcome), result.Status, result.Error));
    }

    internal static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Destination not found", detail: $"No alert destination with id {id}.");
}
