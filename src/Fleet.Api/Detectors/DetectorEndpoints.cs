using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Api.Paging;
using Fleet.Domain.Identity;
using Fleet.Domain.Messages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Detectors;

public static class DetectorEndpoints
{
    public static IEndpointRouteBuilder MapDetectorEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/detectors")
            .WithTags("Detectors")
            .RequireAuthorization(Roles.ReaderPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/", ListAsync)
            .WithName("ListDetectors")
            .WithSummary("Where every detector can be reached right now")
            .WithDescription("Filters combine with AND; `status` may repeat (any of them), `tag` may repeat (all must match). " +
                "The next page is in the `Link: <…>; rel=\"next\"` header, the total number of matches in `X-Total-Count`.");

        group.MapGet("/{id}", GetAsync)
            .WithName("GetDetector")
            .WithSummary("One detector");

        group.MapPatch("/{id}", PatchAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .Accepts<JsonObject>("application/merge-patch+json", "application/json")
            .WithName("PatchDetector")
            .WithSummary("Change operator metadata: name, tags, notes, location (admin)")
            .WithDescription("A JSON merge patch: present fields replace, null clears, absent fields stay.");

        group.MapDecommission();

        return app;
    }

    internal static async Task<Results<Ok<DetectorView>, ValidationProblem, ProblemHttpResult>> PatchAsync(
        string id, HttpRequest request, FleetDbContext db, CancellationToken ct)
    {
        if (DetectorId.Validate(id) is { } idError)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [idError] });
        }

        JsonObject? patch;
        try
        {
            patch = await JsonSerializer.DeserializeAsync<JsonNode>(request.Body, cancellationToken: ct) as JsonObject;
        }
        catch (JsonException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"The body is not valid JSON: {ex.Message}"] });
        }

        if (patch is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The body must be a JSON object."] });
        }

        var detector = await db.Detectors.Include(d => d.Tunnels).SingleOrDefaultAsync(d => d.Id == id, ct);
        if (detector is null)
        {
            return NotFound(id);
        }

        var errors = DetectorPatch.Apply(patch, detector);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(detector.ToView());
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Detector not found", detail: $"No detector with id '{id}' is known.");

    internal static async Task<Results<Ok<List<DetectorView>>, ValidationProblem>> ListAsync(
        HttpContext http,
        FleetDbContext db,
        [FromQuery] string[]? status,
        [FromQuery] string[]? tag,
        [FromQuery] string? q,
        [FromQuery] int? limit,
        [FromQuery] string? after,
        CancellationToken ct)
    {
        var (query, errors) = DetectorQuery.Validate(status, tag, q, limit, after);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var filtered = db.Detectors.AsNoTracking();
        if (query.Statuses.Count > 0)
        {
            filtered = filtered.Where(d => query.Statuses.Contains(d.Status));
        }

        foreach (var required in query.Tags)
        {
            filtered = filtered.Where(d => d.Tags.Contains(required));
        }

        if (query.Text is { } text)
        {
            // Translated to SQL: lower() is the form both providers understand (ids are lower-case already).
#pragma warning disable CA1862
            filtered = filtered.Where(d => d.Id.Contains(text) || (d.Name != null && d.Name.ToLower().Contains(text)));
#pragma warning restore CA1862
        }

        var total = await filtered.CountAsync(ct);
        var page = filtered;
        if (query.After is { } afterId)
        {
            page = page.Where(d => string.Compare(d.Id, afterId) > 0);
        }

        var rows = await page.OrderBy(d => d.Id).Take(query.Limit + 1).Include(d => d.Tunnels).AsSplitQuery().ToListAsync(ct);
        http.Response.Headers["X-Total-Count"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (rows.Count > query.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            PageLinks.SetNext(http.Response, Cursor.Encode(rows[^1].Id));
        }

        return TypedResults.Ok(rows.Select(r => r.ToView()).ToList());
    }

    internal static async Task<Results<Ok<DetectorView>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string id, FleetDbContext db, CancellationToken ct)
    {
        if (DetectorId.Validate(id) is { } error)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [error] });
        }

        var detector = await db.Detectors.AsNoTracking().Include(d => d.Tunnels).SingleOrDefaultAsync(d => d.Id == id, ct);
        return detector is null ? NotFound(id) : TypedResults.Ok(detector.ToView());
    }
}
