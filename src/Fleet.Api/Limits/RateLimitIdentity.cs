using Fleet.Api.Auth;
using Microsoft.AspNetCore.Authentication;

namespace Fleet.Api.Limits;

/// <summary>
/// Who a request counts against: the API key's name (from the key, or from the session cookie it was exchanged for),
/// otherwise the remote address. Resolved once per request, after authentication, for the rate limiter.
/// </summary>
internal static class RateLimitIdentity
{
    private const string ItemKey = "fleet.rate-limit-identity";

    public static async Task ResolveAsync(HttpContext context, RequestDelegate next)
    {
        string? name = context.User.Identity is { IsAuthenticated: true } identity ? identity.Name : null;
        if (name is null && context.Request.Cookies.ContainsKey(SessionCookie.CookieName))
        {
            // Only the key handler runs before this point; a session is authenticated here (the result is cached for
            // the authorization that follows).
            var session = await context.AuthenticateAsync(SessionCookie.SchemeName);
            name = session.Succeeded ? session.Principal?.Identity?.Name : null;
        }

        context.Items[ItemKey] = name is null ? "address:" + FailedAuthentications.AddressOf(context) : "key:" + name;
        await next(context);
    }

    public static string PartitionOf(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) && value is string partition
            ? partition
            : "address:" + FailedAuthentications.AddressOf(context);

    public static bool IsKey(string partition) => partition.StartsWith("key:", StringComparison.Ordinal);
}
