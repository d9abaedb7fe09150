using System.Security.Claims;
using System.Text.Json;
using Fleet.Api.Audit;
using Fleet.Api.Data;
using Fleet.Api.Limits;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fleet.Api.Auth;

/// <summary><c>POST /auth/session</c> exchanges an API key for the session cookie; <c>DELETE</c> ends it.</summary>
public static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).WithTags("Session").AllowAnonymous();

        group.MapPost("/", SignInAsync)
            .Accepts<SessionRequest>("application/json")
            .WithName("SignIn")
            .WithSummary("Exchange an API key for a browser session cookie")
            .WithDescription("The key in the JSON body (`{\"key\":\"…\"}`) or in `X-Api-Key`. Sets an HttpOnly, SameSite=Lax " +
                "cookie (Secure outside Development) that GET endpoints and `/events` accept; PATCH and DELETE still need the key.");

        group.MapDelete("/", SignOutAsync)
            .WithName("SignOut")
            .WithSummary("End the browser session");

        return app;
    }

    public const string Path = "/auth/session";

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult, EmptyHttpResult>> SignInAsync(
        HttpContext http, ApiKeyStore keys, FailedAuthentications failures, FleetDbContext db, AuditLog audit, CancellationToken ct)
    {
        var presented = ApiKeyHandler.ReadKey(http.Request);
        var fromHeader = presented is not null;
        if (presented is null)
        {
            // Only JSON is read: a cross-site HTML form cannot send it without a CORS preflight (no login CSRF).
            if (!http.Request.HasJsonContentType())
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["key"] = [$"Send the key as JSON ({{\"key\":\"…\"}}, Content-Type: application/json) or in the {ApiKeyHandler.HeaderName} header."],
                });
            }

            try
            {
                presented = (await http.Request.ReadFromJsonAsync<SessionRequest>(ct))?.Key;
            }
            catch (JsonException)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The body is not valid JSON."] });
            }
        }

        if (string.IsNullOrEmpty(presented))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["key"] = ["An API key is required."] });
        }

        if (keys.Find(presented) is not { } key)
        {
            // A wrong key in the header has already been counted (or found over the limit) by the key handler.
            if (fromHeader ? ApiKeyHandler.IsBlocked(http, out var retryAfter) : !failures.TryRecord(http, presented, out retryAfter))
            {
                await ApiKeyHandler.WriteBlockedAsync(http, retryAfter);
                return TypedResults.Empty;
            }

            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "The API key is not valid.");
        }

        // The ticket itself stays on the server (DatabaseTicketStore); the cookie carries only the session's random id.
        var identity = new ClaimsIdentity(ApiKeyHandler.Claims(key), SessionCookie.SchemeName);
        await http.SignInAsync(SessionCookie.SchemeName, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
        await audit.WriteAsync(db, AuditActor.Named(key.Name, http), AuditActions.SignIn, null, null, null, ct);
        return TypedResults.NoContent();
    }

    /// <summary>Deletes the session on the server, so the cookie is worthless even if a copy of it is replayed.</summary>
    internal static async Task<NoContent> SignOutAsync(HttpContext http, FleetDbContext db, AuditLog audit, CancellationToken ct)
    {
        // The route is anonymous (a stale cookie must still be able to sign out): the session says who is leaving.
        var session = await http.AuthenticateAsync(SessionCookie.SchemeName);
        await http.SignOutAsync(SessionCookie.SchemeName);
        if (session.Succeeded)
        {
            await audit.WriteAsync(db, AuditActor.Named(session.Principal.Identity?.Name, http), AuditActions.SignOut, null, null, null, ct);
        }

        return TypedResults.NoContent();
    }
}
