using System.Globalization;
using System.Text.Json;
using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Api.Paging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>The outbox over REST: who was told what, when; the dead-letter list (<c>?status=dead</c>) and its retry.</summary>
internal static class DeliveryEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public static void MapDeliveryEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/alerts/deliveries")
            .WithTags("Alerts")
            .RequireAuthorization(Roles.ReaderPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/", ListAsync)
            .WithName("ListAlertDeliveries")
            .WithSummary("Alert deliveries, newest first")
            .WithDescription("`status` pending, delivered or dead (the dead-letter list); `alert` an alert's id (all its notices to every destination); " +
                $"`destination` a destination's id; `limit` 1..{MaxLimit}, default {DefaultLimit}. The next page is in the `Link: <…>; rel=\"next\"` header.");

        group.MapGet("/{id}", GetAsync)
            .WithName("GetAlertDelivery")
            .WithSummary("One delivery: the notice sent and every attempt with its outcome");

        group.MapPost("/{id}/retry", RetryAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("RetryAlertDelivery")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Send a dead letter again (admin)")
            .WithDescription("The delivery is pending again, due now, with a fresh count of attempts and age; its past attempts stay in its history. " +
                "Only a dead delivery can be retried (409 otherwise).");

        group.MapDelete("/{id}", DeleteAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("DeleteAlertDelivery")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Remove a dead letter and its attempts (admin)")
            .WithDescription("Only a dead delivery can be deleted (409 otherwise): a pending one is still to be sent, a delivered one " +
                "goes by itself after Alerts:Delivery:Retention.");
    }

    internal static async Task<Results<Ok<IReadOnlyList<DeliveryView>>, ValidationProblem>> ListAsync(
        HttpContext http, FleetDbContext db, [FromQuery] string? status, [FromQuery] long? alert, [FromQuery] long? destination,
        [FromQuery] int? limit, [FromQuery] string? after, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not null && !DeliveryStatuses.All.Contains(status))
        {
            errors["status"] = [$"Must be one of: {string.Join(", ", DeliveryStatuses.All)}."];
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"Must be 1 to {MaxLimit}."];
        }

        long? before = null;
        if (after is not null)
        {
            if (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                errors["after"] = ["Must be the cursor from a Link header."];
            }

            before = id;
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.AlertDeliveries.AsNoTracking();
        query = status is null ? query : query.Where(d => d.Status == status);
        query = alert is null ? query : query.Where(d => d.AlertId == alert);
        query = destination is null ? query : query.Where(d => d.DestinationId == destination);
        query = before is null ? query : query.Where(d => d.Id < before);
        var take = limit ?? DefaultLimit;
        var rows = await query.OrderByDescending(d => d.Id).Take(take + 1).ToListAsync(ct);
        var page = rows.Take(take).ToList();
        var names = await NamesAsync(db, page, ct);
        if (rows.Count > take)
        {
            PageLinks.SetNext(http.Response, page[^1].Id.ToString(CultureInfo.InvariantCulture));
        }

        return TypedResults.Ok<IReadOnlyList<DeliveryView>>([.. page.Select(r => ToView(r, names))]);
    }

    internal static async Task<Results<Ok<DeliveryDetailView>, ProblemHttpResult>> GetAsync(long id, FleetDbContext db, CancellationToken ct)
    {
        var row = await db.AlertDeliveries.AsNoTracking().Include(d => d.AttemptHistory).SingleOrDefaultAsync(d => d.Id == id, ct);
        if (row is null)
        {
            return NotFound(id);
        }

        AlertNotice? notice;
        try
        {
            notice = JsonSerializer.Deserialize(row.Notice, DeliveryJsonContext.Default.AlertNotice);
        }
        catch (JsonException)
        {
            notice = null;
        }

        var attempts = row.AttemptHistory.OrderBy(a => a.Id).Select(a => new DeliveryAttemptView(a.At, a.DurationMs, a.Outcome, a.Status, a.Error)).ToList();
        return TypedResults.Ok(new DeliveryDetailView(ToView(row, await NamesAsync(db, [row], ct)), notice, attempts));
    }

    internal static async Task<Results<Ok<DeliveryView>, ProblemHttpResult>> RetryAsync(
        long id, FleetDbContext db, TimeProvider clock, DeliverySignal signal, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var updated = await db.AlertDeliveries
            .Where(d => d.Id == id && d.Status == DeliveryStatuses.Dead)
            .ExecuteUpdateAsync(
                s => s.SetProperty(d => d.Status, DeliveryStatuses.Pending)
                    .SetProperty(d => d.Attempts, 0)
                    .SetProperty(d => d.NextAttemptAt, now)
                    .SetProperty(d => d.RetriedAt, now)
                    .SetProperty(d => d.FinishedAt, (DateTimeOffset?)null)
                    .SetProperty(d => d.LeaseOwner, (string?)null)
                    .SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null),
                ct);
        var row = await db.AlertDeliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct);
        if (row is null)
        {
            return NotFound(id);
        }

        if (updated == 0)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict, title: "Not a dead letter", detail: $"Delivery {id} is {row.Status}; only a dead delivery can be retried.");
        }

        signal.Wake();
        return TypedResults.Ok(ToView(row, await NamesAsync(db, [row], ct)));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, FleetDbContext db, CancellationToken ct)
    {
        // The status is part of the delete: a retry in between (another request, another instance) wins. The
        // attempts go with the row (foreign key, on delete cascade).
        if (await db.AlertDeliveries.Where(d => d.Id == id && d.Status == DeliveryStatuses.Dead).ExecuteDeleteAsync(ct) > 0)
        {
            return TypedResults.NoContent();
        }

        return await db.AlertDeliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct) is { } row
            ? TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict, title: "Not a dead letter", detail: $"Delivery {id} is {row.Status}; only a dead delivery can be deleted.")
            : NotFound(id);
    }

    private static async Task<Dictionary<long, string>> NamesAsync(FleetDbContext db, IReadOnlyCollection<DeliveryRecord> rows, CancellationToken ct)
    {
        var ids = rows.Select(r => r.DestinationId).Distinct().ToList();
        return await db.AlertDestinations.AsNoTracking().Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Name, ct);
    }

    private static DeliveryView ToView(DeliveryRecord row, Dictionary<long, string> names) => new(
        row.Id,
        row.AlertId,
        row.NoticeId,
        row.DestinationId,
        names.GetValueOrDefault(row.DestinationId),
        row.Status,
        row.Attempts,
        row.CreatedAt,
        row.Status == DeliveryStatuses.Pending ? row.NextAttemptAt : null,
        row.FinishedAt,
        row.LastError);

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Delivery not found", detail: $"No alert delivery with id {id}.");
}
