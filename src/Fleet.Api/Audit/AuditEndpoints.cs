using System.Globalization;
using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Api.Paging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Audit;

/// <summary><c>GET /audit</c>: the operator actions, newest first (admin only: names and addresses of operators).</summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audit", ListAsync)
            .WithTags("Audit")
            .RequireAuthorization(Roles.AdminPolicy)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithName("ListAuditEntries")
            .WithSummary("Who did what, when and from where: the audit trail, newest first (admin)")
            .WithDescription("Filters combine with AND: `actor` (the key's name, or `anonymous`), `action` (may repeat: any of them), " +
                "`target` (e.g. a detector id, `rule:5`, `silence:3`, `destination:2`), `detector` (every entry about that detector: " +
                "its timeline), `since` (inclusive) and `until` (exclusive) as ISO 8601 times. `limit` 1..1000, default 100. " +
                "The next page is in the `Link: <…>; rel=\"next\"` header. `before`/`after` hold the changed fields of a metadata " +
                "change. Entries older than Audit:Retention are deleted. No entry holds a secret.");
        return app;
    }

    internal static async Task<Results<Ok<List<AuditView>>, ValidationProblem>> ListAsync(
        HttpContext http,
        FleetDbContext db,
        [FromQuery] string? actor,
        [FromQuery] string[]? action,
        [FromQuery] string? target,
        [FromQuery] string? detector,
        [FromQuery] string? since,
        [FromQuery] string? until,
        [FromQuery] int? limit,
        [FromQuery] string? after,
        CancellationToken ct)
    {
        var (query, errors) = AuditQuery.Validate(actor, action, target, detector, since, until, limit, after);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var rows = db.Set<AuditRecord>().AsNoTracking();
        if (query.Actor is { } who)
        {
            rows = rows.Where(e => e.Actor == who);
        }

        if (query.Actions.Count > 0)
        {
            var actions = query.Actions;
            rows = rows.Where(e => actions.Contains(e.Action));
        }

        if (query.Target is { } what)
        {
            rows = rows.Where(e => e.Target == what);
        }

        if (query.DetectorId is { } id)
        {
            rows = rows.Where(e => e.DetectorId == id);
        }

        if (query.Since is { } from)
        {
            rows = rows.Where(e => e.At >= from);
        }

        if (query.Until is { } to)
        {
            rows = rows.Where(e => e.At < to);
        }

        if (query.AfterId is { } last)
        {
            rows = rows.Where(e => e.Id < last);
        }

        // Keyset by id, newest first (no total count: counting a busy trail of link opens on every page is not cheap).
        var page = await rows.OrderByDescending(e => e.Id).Take(query.Limit + 1).ToListAsync(ct);
        if (page.Count > query.Limit)
        {
            page.RemoveAt(page.Count - 1);
            PageLinks.SetNext(http.Response, Cursor.Encode(page[^1].Id.ToString(CultureInfo.InvariantCulture)));
        }

        return TypedResults.Ok(page.Select(AuditView.Of).ToList());
    }
}
