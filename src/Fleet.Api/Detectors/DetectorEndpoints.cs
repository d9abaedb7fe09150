using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Api.Audit;
using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Api.OpenApi;
using Fleet.Api.Paging;
using Fleet.Api.Registry;
using Fleet.Domain.Identity;
using Fleet.Domain.Messages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Detectors;

public static class DetectorEndpoints
{
    public static IHostApplicationBuilder AddFleetDetectors(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DetectorTotals>();
        return builder;
    }

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
            .WithDescription("Filters combine with AND; `status` and `reachability` may repeat (any of them), `tag` may repeat (all must match). " +
                "`reachability` is the summary as the views show it: `reachable`, `degraded` and `unreachable` only match online detectors, " +
                "`unknown` matches those not online and those nothing has checked yet. " +
                "`health` (may repeat) is the newest state's health status: `ok`, `warn` or `fail`; a detector whose agent sends no health matches none. " +
                "`sort` orders by `id` (default), `name` or `lastSeen`, a leading `-` for descending, ties by id; names compare as stored (ordinal), a missing name as empty. " +
                "The next page is in the `Link: <…>; rel=\"next\"` header, the total number of matches in `X-Total-Count`.")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesHeader(StatusCodes.Status200OK, "X-Total-Count", "How many detectors match the filters, on all pages.", isInteger: true);

        group.MapGet("/{id}", GetAsync)
            .WithName("GetDetector")
            .WithSummary("One detector")
            .Produces(StatusCodes.Status304NotModified);

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
        string id, HttpRequest request, FleetDbContext db, Ingest.IEventSink sink, IDetectorChanges changes, AuditLog audit, CancellationToken ct)
    {
        if (DetectorId.Validate(id) is { } idError)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [idError] });
        }

        var (patch, bodyError) = await DetectorPatch.ReadAsync(request.Body, ct);
        if (patch is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [bodyError!] });
        }

        var detector = await db.Detectors.Include(d => d.Tunnels).SingleOrDefaultAsync(d => d.Id == id, ct);
        if (detector is null)
        {
            return NotFound(id);
        }

        var before = DetectorPatch.Snapshot(patch, detector);
        var errors = DetectorPatch.Apply(patch, detector);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // The one place operator metadata is committed, so the one place its views are republished (the retained
        // registry, the live stream's detector item, Home Assistant's device name): at once, as an event would be.
        var changed = db.ChangeTracker.HasChanges();

        // Saved with the change, in one statement batch: the entry commits exactly when the change does (a PATCH that
        // changes nothing is still an operator action and is recorded, with equal before and after).
        audit.Stage(db, AuditActor.Of(request.HttpContext), AuditActions.DetectorUpdate, id, id, before, DetectorPatch.Snapshot(patch, detector));
        await db.SaveChangesAsync(ct);
        if (changed)
        {
            await changes.ChangedAsync([id], CancellationToken.None);
            await sink.PublishViewAsync(id, CancellationToken.None);
        }

        return TypedResults.Ok(detector.ToView());
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Detector not found", detail: $"No detector with id '{id}' is known.");

    internal static async Task<Results<Ok<IReadOnlyList<DetectorView>>, ValidationProblem, StatusCodeHttpResult, RegistryJsonResult>> ListAsync(
        HttpContext http,
        DetectorRegistry registry,
        [FromQuery] string[]? status,
        [FromQuery] string[]? reachability,
        [FromQuery] string[]? tag,
        [FromQuery] string? q,
        [FromQuery] int? limit,
        [FromQuery] string? after,
        [FromQuery] string[]? health,
        [FromQuery] string[]? provider,
        [FromQuery] string? ngrokAccount,
        [FromQuery] string? sort,
        CancellationToken ct)
    {
        var (query, errors) = DetectorQuery.Validate(status, reachability, tag, q, limit, after, health, provider, ngrokAccount, sort);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // From memory when the registry is exact (Registry/DetectorRegistry), otherwise from the database.
        if (registry.Current is { } snapshot)
        {
            var page = snapshot.Page(query);
            var pageTag = page.Tag;
            if (DetectorETags.IsConditional(http.Request) && DetectorETags.Matches(http.Request, pageTag))
            {
                DetectorETags.Set(http.Response, pageTag);
                return TypedResults.StatusCode(StatusCodes.Status304NotModified);
            }

            SetPageHeaders(http.Response, page.Total, page.NextCursor);
            DetectorETags.Set(http.Response, pageTag);
            return RegistryJsonResult.List(page);
        }

        var reader = Reader(http);
        if (DetectorETags.IsConditional(http.Request))
        {
            var current = await reader.ListTagAsync(query, ct);
            if (DetectorETags.Matches(http.Request, current))
            {
                DetectorETags.Set(http.Response, current);
                return TypedResults.StatusCode(StatusCodes.Status304NotModified);
            }
        }

        var stored = await reader.ListAsync(query, ct);
        SetPageHeaders(http.Response, stored.Total, stored.LastId is null
            ? null
            : DetectorCursor.Encode(query.Sort, query.Sort.KeyText(stored.Detectors[^1].Name, stored.Detectors[^1].LastSeenAt), stored.LastId));
        DetectorETags.Set(http.Response, stored.Tag);
        return TypedResults.Ok(stored.Detectors);
    }

    internal static async Task<Results<Ok<DetectorView>, ValidationProblem, ProblemHttpResult, StatusCodeHttpResult, RegistryJsonResult>> GetAsync(
        string id, HttpContext http, DetectorRegistry registry, CancellationToken ct)
    {
        if (DetectorId.Validate(id) is { } error)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [error] });
        }

        if (registry.Current is { } snapshot)
        {
            if (snapshot.Find(id) is not { } entry)
            {
                return NotFound(id);
            }

            var tag = entry.Tag;
            DetectorETags.Set(http.Response, tag);
            return DetectorETags.IsConditional(http.Request) && DetectorETags.Matches(http.Request, tag)
                ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
                : RegistryJsonResult.One(entry);
        }

        var reader = Reader(http);
        if (DetectorETags.IsConditional(http.Request))
        {
            if (await reader.VersionAsync(id, ct) is not { } version)
            {
                return NotFound(id);
            }

            var current = DetectorETags.ForDetector(version);
            if (DetectorETags.Matches(http.Request, current))
            {
                DetectorETags.Set(http.Response, current);
                return TypedResults.StatusCode(StatusCodes.Status304NotModified);
            }
        }

        var detector = await reader.FindAsync(id, ct);
        if (detector is null)
        {
            return NotFound(id);
        }

        DetectorETags.Set(http.Response, DetectorETags.ForDetector(detector.Version));
        var db = http.RequestServices.GetRequiredService<FleetDbContext>();
        return TypedResults.Ok(detector.ToView() with { Relay = await Relays.RelayPortAllocator.AssignmentAsync(db, id, ct) });
    }

    // The database path's services, resolved only when it is taken: the memory path needs no DbContext.
    private static DetectorReader Reader(HttpContext http)
    {
        var services = http.RequestServices;
        return new DetectorReader(services.GetRequiredService<FleetDbContext>(), services.GetRequiredService<ISqlDialect>(),
            services.GetRequiredService<DetectorTotals>(), services.GetRequiredService<IOptions<DatabaseOptions>>());
    }

    private static void SetPageHeaders(HttpResponse response, long total, string? nextCursor)
    {
        response.Headers["X-Total-Count"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (nextCursor is not null)
        {
            PageLinks.SetNext(response, nextCursor);
        }
    }
}
