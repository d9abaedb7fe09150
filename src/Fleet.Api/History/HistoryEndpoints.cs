using Fleet.Api.Paging;
using System.Text.Json.Nodes;
using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Domain.Identity;
using Fleet.Domain.Messages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.History;

public static class HistoryEndpoints
{
    public static IEndpointRouteBuilder MapHistoryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/detectors")
            .WithTags("History")
            .RequireAuthorization(Roles.ReaderPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .MapGet("/{id}/history", GetHistoryAsync)
            .WithName("GetDetectorHistory")
            .WithSummary("A detector's events, newest first")
            .WithDescription("`since` is inclusive and `until` exclusive (ISO 8601, e.g. 2026-11-28T10:00:00Z); `type` may repeat " +
                "(any of them); `limit` 1..1000, default 100. The next page is in the `Link: <…>; rel=\"next\"` header. " +
                "The URL a detector had at time T: `?until=T&type=url-changed&type=tunnel-added&limit=1`. " +
                "History outlives a decommissioned detector until the retention removes it.");
        return app;
    }

    internal static async Task<Results<Ok<List<FleetEvent>>, ValidationProblem, ProblemHttpResult>> GetHistoryAsync(
        string id,
        HttpContext http,
        FleetDbContext db,
        [FromQuery] string? since,
        [FromQuery] string? until,
        [FromQuery] string[]? type,
        [FromQuery] int? limit,
        [FromQuery] string? after,
        IOptions<DatabaseOptions> database,
        CancellationToken ct)
    {
        var (query, errors) = HistoryQuery.Validate(since, until, type, limit, after);
        if (DetectorId.Validate(id) is { } idError)
        {
            errors["id"] = [idError];
        }

        if (query is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await ReadBudget.RunAsync(database.Value.ReadTimeout, token => ReadAsync(id, query, http, db, token), ct);
    }

    private static async Task<Results<Ok<List<FleetEvent>>, ValidationProblem, ProblemHttpResult>> ReadAsync(
        string id, HistoryQuery query, HttpContext http, FleetDbContext db, CancellationToken ct)
    {
        var events = db.Events.AsNoTracking().Where(e => e.DetectorId == id);
        if (!await db.Detectors.AnyAsync(d => d.Id == id, ct) && !await events.AnyAsync(ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Detector not found",
                detail: $"No detector with id '{id}' is known, and no history of it is kept.");
        }

        if (query.Since is { } from)
        {
            events = events.Where(e => e.At >= from);
        }

        if (query.Until is { } to)
        {
            events = events.Where(e => e.At < to);
        }

        if (query.Types.Count > 0)
        {
            events = events.Where(e => query.Types.Contains(e.Type));
        }

        // Keyset on (At desc, Id desc): "newest" means the API's clock, which is what since/until filter on, and the
        // (detector_id, at, id) index serves it directly. Ids alone would be insertion order, which can differ from
        // At when several API instances write. The cursor stays just the last id; its At is looked up here.
        if (query.After is { } afterId)
        {
            var last = await db.Events.AsNoTracking().Where(e => e.Id == afterId)
                .Select(e => new { e.DetectorId, e.At }).SingleOrDefaultAsync(ct);
            if (last is not null && last.DetectorId != id)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["after"] = ["after is a cursor of another detector's history."],
                });
            }

            if (last is null)
            {
                // The cursor's event was removed by the retention cleanup, and with it everything older.
                return TypedResults.Ok(new List<FleetEvent>());
            }

            var lastAt = last.At;
            events = events.Where(e => e.At < lastAt || (e.At == lastAt && e.Id < afterId));
        }

        var rows = await events.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(query.Limit + 1).ToListAsync(ct);
        if (rows.Count > query.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            PageLinks.SetNext(http.Response, HistoryQuery.EncodeCursor(rows[^1].Id));
        }

        return TypedResults.Ok(rows.Select(ToEvent).ToList());
    }

    internal static FleetEvent ToEvent(EventRecord e) => new()
    {
        Type = e.Type,
        DetectorId = e.DetectorId,
        At = e.At,
        Data = e.Data is null ? null : JsonNode.Parse(e.Data) as JsonObject,
    };
}
