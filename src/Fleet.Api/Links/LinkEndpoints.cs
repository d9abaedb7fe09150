using System.Globalization;
using System.Text.RegularExpressions;
using Fleet.Api.Audit;
using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Api.Ingest;
using Fleet.Domain.Identity;
using Fleet.Domain.Messages;
using Fleet.Domain.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Links;

/// <summary>
/// Permanent links: <c>/d/{id}</c> always leads to wherever the detector can be reached right now. The URL is
/// checked against the URL rules again on every request, so a URL stored before an allow-list was configured is
/// never redirected to.
/// </summary>
public static partial class LinkEndpoints
{
    public const int DefaultRetryAfterSeconds = 60;
    public const string DefaultSshUser = "pi";

    public static IEndpointRouteBuilder MapLinkEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/d")
            .WithTags("Links")
            .RequireAuthorization(Roles.ReaderPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/{id}", OpenDefaultAsync)
            .Produces(StatusCodes.Status302Found)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("OpenDetector")
            .WithSummary("Permanent link: redirect to the detector's current https (else http) URL")
            .WithDescription("302 to the current URL (`Cache-Control: no-store`). 503 with `Retry-After` (the detector's " +
                "heartbeat) and `lastSeenAt`/`detectorStatus` extensions when the detector is not online or has no usable web URL, " +
                "and when the chosen tunnel is known not to answer (its newest agent check or probe failed): then the detail names " +
                "the tunnel, the outcome in words and the provider's code, and `failing` lists them. `go=1` redirects anyway.");

        group.MapGet("/{id}/{tunnel}", OpenTunnelAsync)
            .Produces(StatusCodes.Status302Found)
            .Produces<TcpLink>(StatusCodes.Status200OK, "application/json", "text/plain")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("OpenDetectorTunnel")
            .WithSummary("Permanent link to one named tunnel: a redirect, or host, port and ssh command for tcp/ssh")
            .WithDescription("For an http(s) tunnel a 302 like `/d/{id}`. For a tcp or ssh tunnel 200 with host, port and a " +
                "ready `ssh` command (`user` query, default `pi`), or just the command as text/plain when Accept prefers it. " +
                "503 when the tunnel is known not to answer, as for `/d/{id}`; `go=1` answers anyway.");

        return app;
    }

    internal static Task<Results<RedirectHttpResult, Ok<TcpLink>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> OpenDefaultAsync(
        string id, [FromQuery] string? go, HttpContext http, FleetDbContext db, AuditLog audit, IOptions<IngestOptions> options, CancellationToken ct) =>
        OpenAsync(id, null, null, go, http, db, audit, options.Value, ct);

    internal static Task<Results<RedirectHttpResult, Ok<TcpLink>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> OpenTunnelAsync(
        string id, string tunnel, [FromQuery] string? user, [FromQuery] string? go, HttpContext http, FleetDbContext db,
        AuditLog audit, IOptions<IngestOptions> options, CancellationToken ct) =>
        OpenAsync(id, tunnel, user, go, http, db, audit, options.Value, ct);

    private static async Task<Results<RedirectHttpResult, Ok<TcpLink>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> OpenAsync(
        string id, string? tunnelName, string? user, string? go, HttpContext http, FleetDbContext db, AuditLog audit, IngestOptions options,
        CancellationToken ct)
    {
        // Where the detector is changes at any moment: no cache may keep an answer.
        http.Response.Headers.CacheControl = "no-store";
        var errors = new Dictionary<string, string[]>();
        if (DetectorId.Validate(id) is { } idError)
        {
            errors["id"] = [idError];
        }

        if (user is not null && !UserRegex().IsMatch(user))
        {
            errors["user"] = [$"user must match {UserRegex()}."];
        }

        var goAnyway = KnownFailure.ParseGo(go);
        if (goAnyway is null)
        {
            errors["go"] = ["go must be 1 (open the tunnel even when it is known not to answer) or 0."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var detector = await db.Detectors.AsNoTracking().Include(d => d.Tunnels).SingleOrDefaultAsync(d => d.Id == id, ct);
        if (detector is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Detector not found", detail: $"No detector with id '{id}' is known.");
        }

        TunnelRecord? tunnel = null;
        if (tunnelName is not null)
        {
            tunnel = detector.Tunnels.FirstOrDefault(t => t.Name == tunnelName);
            if (tunnel is null)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Tunnel not found",
                    detail: $"Detector '{id}' has no tunnel named '{Printable(tunnelName)}'.");
            }
        }

        // Every open of a known detector (and tunnel), whatever the answer; queued, so the redirect never waits for it.
        audit.Enqueue(AuditActor.Of(http), AuditActions.LinkOpen, tunnel is null ? id : $"{id}/{tunnel.Name}", id);

        if (detector.Status != "online")
        {
            return Unavailable(http, detector, $"Detector '{id}' is {detector.Status}.");
        }

        var policy = TunnelUrlPolicy.For(options);
        tunnel ??= PickWebTunnel(detector.Tunnels, policy);
        if (tunnel is null)
        {
            // Say why when a web URL exists but the rule refuses it (a row stored before the rule, or before a stricter setting).
            var refused = detector.Tunnels.OrderBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(IsWeb);
            return Unavailable(http, detector, refused is null
                ? $"Detector '{id}' has no https or http URL right now."
                : $"Detector '{id}' has no usable https or http URL right now: {Refusal(refused, policy)}.");
        }

        // Checked on every request, not only at ingest: rows stored before the rule (or a stricter setting) are refused too.
        if (UrlRules.Validate(tunnel.Url, policy) is not null
            || UrlRules.ToAscii(tunnel.Url) is not { } location
            || !Uri.TryCreate(location, UriKind.Absolute, out var uri))
        {
            return Unavailable(http, detector, $"Tunnel '{Printable(tunnel.Name)}' of detector '{id}' has no usable URL right now: {Refusal(tunnel, policy)}.");
        }

        if (goAnyway != true && KnownFailure.Describe(detector, tunnel) is { } failure)
        {
            return Unavailable(http, detector, "Tunnel not reachable", failure, KnownFailure.Of(tunnel));
        }

        if (uri.Scheme is "https" or "http")
        {
            // ASCII (punycode host, percent-encoded path): a header value must be, and a stored Unicode URL is no 500.
            return TypedResults.Redirect(location);
        }

        var host = uri.IdnHost.Trim('[', ']');
        var ssh = string.Create(CultureInfo.InvariantCulture, $"ssh -p {uri.Port} {user ?? DefaultSshUser}@{host}");
        return AcceptPreference.PrefersPlainText(http.Request)
            ? TypedResults.Text(ssh + "\n", "text/plain", System.Text.Encoding.UTF8)
            : TypedResults.Ok(new TcpLink(tunnel.Name, location, host, uri.Port, ssh));
    }

    private static string Refusal(TunnelRecord tunnel, UrlPolicy policy) =>
        UrlRules.Validate(tunnel.Url, policy) ?? "its URL cannot be written as an ASCII URL";

    private static bool IsWeb(TunnelRecord tunnel) => HasScheme(tunnel, "https") || HasScheme(tunnel, "http");

    /// <summary>The first https tunnel by name whose URL the rule accepts, else the first such http one: what a browser can open.</summary>
    private static TunnelRecord? PickWebTunnel(IEnumerable<TunnelRecord> tunnels, UrlPolicy policy)
    {
        var ordered = tunnels.Where(t => UrlRules.Validate(t.Url, policy) is null).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        return ordered.FirstOrDefault(t => HasScheme(t, "https")) ?? ordered.FirstOrDefault(t => HasScheme(t, "http"));
    }

    private static bool HasScheme(TunnelRecord tunnel, string scheme) =>
        tunnel.Url.StartsWith(scheme + "://", StringComparison.OrdinalIgnoreCase);

    private static ProblemHttpResult Unavailable(HttpContext http, DetectorRecord detector, string detail) =>
        Unavailable(http, detector, "Detector not reachable", detail, []);

    private static ProblemHttpResult Unavailable(
        HttpContext http, DetectorRecord detector, string title, string detail, IReadOnlyList<FailingTunnel> failing)
    {
        var retryAfter = detector.HeartbeatSeconds is { } seconds and > 0 ? seconds : DefaultRetryAfterSeconds;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        var extensions = new Dictionary<string, object?>
        {
            // Not "status": RFC 9457 reserves that member for the HTTP status code.
            ["detectorStatus"] = detector.Status,
            ["lastSeenAt"] = detector.LastSeenAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        };
        if (failing.Count > 0)
        {
            // A tunnel known not to answer: what failed, as the views list it, and the link that opens it anyway.
            extensions["failing"] = failing;
            extensions["goAnyway"] = $"{http.Request.PathBase}{http.Request.Path}?go=1";
        }

        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: title, detail: detail, extensions: extensions);
    }

    private static string Printable(string value) =>
        new([.. value.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);

    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$")]
    private static partial Regex UserRegex();
}
