using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Fleet.Api.Auth;

/// <summary>
/// The browser session that <c>POST /auth/session</c> exchanges for an API key. It answers 401/403 with a status
/// only (never a redirect to a login page), is accepted only for safe methods (GET, HEAD) so a cross-site form
/// cannot use it to change anything, and ends when the exact key it came from is no longer configured. The ticket is
/// kept on the server (<see cref="DatabaseTicketStore"/>), so sign-out really ends it.
/// </summary>
internal static class SessionCookie
{
    public const string SchemeName = "Session";
    public const string CookieName = "fleet.session";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public static void Configure(CookieAuthenticationOptions options, IHostEnvironment environment)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;

        // The contract: Secure outside Development. Development and the test host run on plain http, where a
        // browser would drop a Secure cookie; everywhere else the cookie is always Secure (behind a TLS proxy too).
        options.Cookie.SecurePolicy = environment.IsDevelopment() || environment.IsEnvironment("Testing")
            ? CookieSecurePolicy.SameAsRequest
            : CookieSecurePolicy.Always;
        options.ExpireTimeSpan = Lifetime;
        options.SlidingExpiration = true;
        options.Events = new CookieAuthenticationEvents
        {
            OnValidatePrincipal = ValidateAsync,
            OnRedirectToLogin = context => StatusOnly(context, StatusCodes.Status401Unauthorized),
            OnRedirectToAccessDenied = context => StatusOnly(context, StatusCodes.Status403Forbidden),
            OnRedirectToLogout = context => StatusOnly(context, StatusCodes.Status204NoContent),
            OnRedirectToReturnUrl = context => StatusOnly(context, StatusCodes.Status204NoContent),
        };
    }

    /// <summary>GET and HEAD only: PATCH and DELETE need the key itself, so the cookie cannot be used for CSRF.</summary>
    public static bool AcceptsMethod(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method);

    private static Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeyStore>();
        var name = context.Principal?.Identity?.Name;
        var role = context.Principal?.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value;
        var binding = context.Principal?.FindFirst(KeyBinding.ClaimType)?.Value;
        if (name is null || role is null || binding is null || !keys.Has(name, role, binding))
        {
            // The key was removed, rotated (same name, new hash) or its role changed: the session ends with it, and
            // signing out deletes its row.
            context.RejectPrincipal();
            return context.HttpContext.SignOutAsync(SchemeName);
        }

        // Signing out is the one other request the session is read for, to say whose session ends (the audit trail);
        // the route is anonymous and only ends the session, so accepting the cookie there lets a cross-site request do nothing new.
        if (!AcceptsMethod(context.Request.Method) && !IsSignOut(context.Request))
        {
            context.RejectPrincipal();
        }

        return Task.CompletedTask;
    }

    private static bool IsSignOut(HttpRequest request) =>
        HttpMethods.IsDelete(request.Method) && request.Path.Equals(SessionEndpoints.Path, StringComparison.OrdinalIgnoreCase);

    // The API key handler, challenged first, has already written the problem details; never overwrite them.
    private static Task StatusOnly(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = status;
        }

        return Task.CompletedTask;
    }
}
