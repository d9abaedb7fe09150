using Fleet.Api.Auth;
using Microsoft.AspNetCore.RateLimiting;

namespace Fleet.Api.Limits;

/// <summary>Answers 429 to credential-bearing requests from an address that failed authentication too often.</summary>
internal sealed class FailedAuthenticationGate(RequestDelegate next, FailedAuthentications failures)
{
    public Task InvokeAsync(HttpContext context)
    {
        var presentsCredentials = ApiKeyHandler.ReadKey(context.Request) is not null || SessionEndpoints.IsSignIn(context.Request);
        var exempt = context.GetEndpoint()?.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null;
        if (presentsCredentials && !exempt && failures.IsBlocked(context, out var retryAfter))
        {
            return Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
                "Too many failed authentications from this address; try again later.", retryAfter ?? TimeSpan.FromMinutes(1));
        }

        return next(context);
    }
}
