using System.Globalization;
using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Api.Paging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Alerts.Rules;

public static class AlertEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapAlertRuleEndpoints(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/alerts")
            .WithTags("Alerts")
            .RequireAuthorization(Roles.ReaderPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        alerts.MapGet("/", ListAsync)
            .WithName("ListAlerts")
            .WithSummary("Fired alerts, newest first")
            .WithDescription("`ruleId` filters by rule; `limit` 1..1000, default 100. The next page is in the `Link: <…>; rel=\"next\"` header.");
        alerts.MapGet("/{id}", GetAsync)
            .WithName("GetAlert")
            .WithSummary("One fired alert");
        alerts.MapRules();
        alerts.MapSilences();
        return app;
    }

    private static async Task<Results<Ok<List<AlertView>>, ValidationProblem>> ListAsync(
        HttpContext http, FleetDbContext db, [FromQuery] long? ruleId, [FromQuery] int? limit, [FromQuery] string? after, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit} (got {limit})."];
        }

        long? afterId = null;
        if (after is not null)
        {
            if (Cursor.TryDecodeNumber(after, out var id))
            {
                afterId = id;
            }
            else
            {
                errors["after"] = [Cursor.InvalidAfter];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Ids follow the firing order: one evaluator at a time writes alerts.
        var query = db.Set<AlertRecord>().AsNoTracking();
        if (ruleId is { } rule)
        {
            query = query.Where(a => a.RuleId == rule);
        }

        if (afterId is { } last)
        {
            query = query.Where(a => a.Id < last);
        }

        var take = limit ?? DefaultLimit;
        var rows = await query.OrderByDescending(a => a.Id).Take(take + 1).ToListAsync(ct);
        if (rows.Count > take)
        {
            rows.RemoveAt(rows.Count - 1);
            PageLinks.SetNext(http.Response, Cursor.Encode(rows[^1].Id.ToString(CultureInfo.InvariantCulture)));
        }

        return TypedResults.Ok(rows.Select(AlertView.Of).ToList());
    }

    private static async Task<Results<Ok<AlertView>, ProblemHttpResult>> GetAsync(long id, FleetDbContext db, CancellationToken ct) =>
        await db.Set<AlertRecord>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) is { } alert
            ? TypedResults.Ok(AlertView.Of(alert))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Alert not found", detail: $"No alert with id {id}.");
}
