using System.Text.Json.Nodes;
using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Audit;
using Fleet.Api.Auth;
using Fleet.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Alerts.Rules;

internal static class RuleEndpoints
{
    public static void MapRules(this RouteGroupBuilder alerts)
    {
        var rules = alerts.MapGroup("/rules");
        rules.MapGet("/", ListAsync)
            .WithName("ListAlertRules")
            .WithSummary("Every alert rule");
        rules.MapGet("/{id}", GetAsync)
            .WithName("GetAlertRule")
            .WithSummary("One alert rule");
        rules.MapPost("/", CreateAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("CreateAlertRule")
            .WithSummary("Add an alert rule (admin)")
            .WithDescription("A detector rule (`kind: detector`) fires when a selected detector's watched event (lost, offline, unreachable, " +
                "degraded, url-changed, provider-error, epoch-reset, decommissioned) lasts `forSeconds` without its \"back\" event " +
                "(online, reachable); a \"recovered\" notice follows only a fired alert. Detectors due within `groupWindowSeconds` " +
                "of each other that share the `groupBy` key (`none`, `tag`, `rule`) fire as one alert. A fleet rule (`kind: fleet`, " +
                "one tag) fires when more than `thresholdPercent` of the detectors with that tag have been in a watched state for " +
                "`forSeconds`, and recovers when the share drops below it. Selector: `detectorIds`, or `tags` (any of them), or neither " +
                "for every detector.");
        rules.MapPut("/{id}", ReplaceAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("ReplaceAlertRule")
            .WithSummary("Replace an alert rule (admin)")
            .WithDescription("Detectors already pending or firing for the rule keep their state.");
        rules.MapDelete("/{id}", DeleteAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("DeleteAlertRule")
            .WithSummary("Remove an alert rule (admin); its fired alerts stay listed");
    }

    private static async Task<Ok<List<RuleView>>> ListAsync(FleetDbContext db, CancellationToken ct)
    {
        var rules = await db.Set<AlertRuleRecord>().AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct);
        return TypedResults.Ok(rules.Select(RuleView.Of).ToList());
    }

    private static async Task<Results<Ok<RuleView>, ProblemHttpResult>> GetAsync(long id, FleetDbContext db, CancellationToken ct) =>
        await db.Set<AlertRuleRecord>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct) is { } rule
            ? TypedResults.Ok(RuleView.Of(rule))
            : NotFound(id);

    private static async Task<Results<Created<RuleView>, ValidationProblem>> CreateAsync(
        [FromBody] RuleRequest body, HttpContext http, FleetDbContext db, IAlertOutbox outbox, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rule = new AlertRuleRecord { Name = "", Kind = RuleKinds.Detector, GroupBy = GroupBy.None, CreatedAt = now, UpdatedAt = now };
        if (await ValidateAsync(body, rule, db, outbox, ct) is { } problem)
        {
            return problem;
        }

        // The entry names the new id, known only after the insert: both in one transaction.
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.Add(rule);
            await db.SaveChangesAsync(ct);
            await audit.WriteAsync(db, AuditActor.Of(http), AuditActions.RuleCreate, Target(rule.Id), null, Named(rule.Name), ct);
            await transaction.CommitAsync(ct);
        }

        return TypedResults.Created($"/alerts/rules/{rule.Id}", RuleView.Of(rule));
    }

    private static async Task<Results<Ok<RuleView>, ValidationProblem, ProblemHttpResult>> ReplaceAsync(
        long id, [FromBody] RuleRequest body, HttpContext http, FleetDbContext db, IAlertOutbox outbox, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var rule = await db.Set<AlertRuleRecord>().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return NotFound(id);
        }

        if (await ValidateAsync(body, rule, db, outbox, ct) is { } problem)
        {
            return problem;
        }

        rule.UpdatedAt = clock.GetUtcNow();
        audit.Stage(db, AuditActor.Of(http), AuditActions.RuleReplace, Target(id), after: Named(rule.Name));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(RuleView.Of(rule));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        long id, HttpContext http, FleetDbContext db, AuditLog audit, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // The rule's states go with it (cascade); its alerts stay, with the rule's name copied into them.
        if (await db.Set<AlertRuleRecord>().Where(r => r.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            return NotFound(id);
        }

        await audit.WriteAsync(db, AuditActor.Of(http), AuditActions.RuleDelete, Target(id), null, null, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    private static string Target(long id) => $"rule:{id}";

    private static JsonObject Named(string name) => new() { ["name"] = name };

    private static async Task<ValidationProblem?> ValidateAsync(
        RuleRequest? body, AlertRuleRecord rule, FleetDbContext db, IAlertOutbox outbox, CancellationToken ct)
    {
        if (body is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON object is required."] });
        }

        var errors = RuleValidation.Apply(body, rule);
        if (errors.Count == 0 && rule.DestinationIds.Count > 0
            && await outbox.MissingDestinationsAsync(db, rule.DestinationIds, ct) is { Count: > 0 } missing)
        {
            errors["destinationIds"] = [$"No destination with id {string.Join(", ", missing)}."];
        }

        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : null;
    }

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Alert rule not found", detail: $"No alert rule with id {id}.");
}
