using Fleet.Api.Audit;
using Fleet.Api.Auth;
using Fleet.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Alerts.Rules;

internal static class SilenceEndpoints
{
    public static void MapSilences(this RouteGroupBuilder alerts)
    {
        var silences = alerts.MapGroup("/silences");
        silences.MapGet("/", ListAsync)
            .WithName("ListAlertSilences")
            .WithSummary("Every silence, newest first, expired ones included (state: scheduled, active, expired)");
        silences.MapGet("/{id}", GetAsync)
            .WithName("GetAlertSilence")
            .WithSummary("One silence");
        silences.MapPost("/", CreateAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("CreateAlertSilence")
            .WithSummary("Add a maintenance window (admin)")
            .WithDescription("Covers the detectors named by `detectorIds` and those with any of `tags`, from `startsAt` (default now, " +
                "inclusive) to `endsAt` (required, exclusive). An alert about a covered detector fires as suppressed: recorded " +
                "(`GET /alerts`), nobody told, and no recovery notice follows it.");
        silences.MapPut("/{id}", ReplaceAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("ReplaceAlertSilence")
            .WithSummary("Change a silence (admin), e.g. end it early or extend it");
        silences.MapDelete("/{id}", DeleteAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("DeleteAlertSilence")
            .WithSummary("Remove a silence (admin)");
    }

    private static async Task<Ok<List<SilenceView>>> ListAsync(FleetDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var silences = await db.Set<AlertSilenceRecord>().AsNoTracking().OrderByDescending(s => s.Id).Take(1000).ToListAsync(ct);
        return TypedResults.Ok(silences.Select(s => SilenceView.Of(s, now)).ToList());
    }

    private static async Task<Results<Ok<SilenceView>, ProblemHttpResult>> GetAsync(long id, FleetDbContext db, TimeProvider clock, CancellationToken ct) =>
        await db.Set<AlertSilenceRecord>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct) is { } silence
            ? TypedResults.Ok(SilenceView.Of(silence, clock.GetUtcNow()))
            : NotFound(id);

    private static async Task<Results<Created<SilenceView>, ValidationProblem>> CreateAsync(
        [FromBody] SilenceRequest? body, HttpContext http, FleetDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var silence = new AlertSilenceRecord { CreatedAt = now };
        var errors = body is null ? Required() : SilenceValidation.Apply(body, silence, now);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // The entry names the new id, known only after the insert: both in one transaction.
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.Add(silence);
            await db.SaveChangesAsync(ct);
            await audit.WriteAsync(db, AuditActor.Of(http), AuditActions.SilenceCreate, Target(silence.Id), null, null, ct);
            await transaction.CommitAsync(ct);
        }

        return TypedResults.Created($"/alerts/silences/{silence.Id}", SilenceView.Of(silence, now));
    }

    private static async Task<Results<Ok<SilenceView>, ValidationProblem, ProblemHttpResult>> ReplaceAsync(
        long id, [FromBody] SilenceRequest? body, HttpContext http, FleetDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var silence = await db.Set<AlertSilenceRecord>().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (silence is null)
        {
            return NotFound(id);
        }

        var now = clock.GetUtcNow();
        var errors = body is null ? Required() : SilenceValidation.Apply(body, silence, now);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        audit.Stage(db, AuditActor.Of(http), AuditActions.SilenceReplace, Target(id));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(SilenceView.Of(silence, now));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        long id, HttpContext http, FleetDbContext db, AuditLog audit, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.Set<AlertSilenceRecord>().Where(s => s.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            return NotFound(id);
        }

        await audit.WriteAsync(db, AuditActor.Of(http), AuditActions.SilenceDelete, Target(id), null, null, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    private static string Target(long id) => $"silence:{id}";

    private static Dictionary<string, string[]> Required() => new() { ["body"] = ["A JSON object is required."] };

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Silence not found", detail: $"No silence with id {id}.");
}
