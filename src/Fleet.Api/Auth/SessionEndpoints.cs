using System.Security.Claims;
using System.Text.Json;
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

        group.MapDelete("/", (Func<HttpContext, Task<NoContent>>)SignOutAsync)
            .WithName("SignOut")
            .WithSummary("End the browser session");

        return app;
    }

    public const string Path = "/auth/session";

    /// <summary>Whether the request is a sign-in attempt (it counts towards the failed-authentication limit).</summary>
    internal static bool IsSignIn(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase);

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SignInAsync(
        HttpContext http, ApiKeyStore keys, FailedAuthentications failures, CancellationToken ct)
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
            if (!fromHeader)
            {
                // A wrong key in the header has already been counted by the key handler.
                failures.Record(http);
            }

            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "The API key is not valid.");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, key.Role)],
            SessionCookie.SchemeName);
        await http.SignInAsync(SessionCookie.SchemeName, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
        return TypedResults.NoContent();
    }

    internal static async Task<NoContent> SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(SessionCookie.SchemeName);
        return TypedResults.NoContent();
    }
}
