using Fleet.Api.Dashboard;
using Fleet.Api.Limits;
using Fleet.Domain.Messages;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;

namespace Fleet.Api.Startup;

public static class HttpExtensions
{
    /// <summary>The HTTP host itself: clock, JSON through the contract's source-generated context, no Server header, forwarded headers.</summary>
    public static IHostApplicationBuilder AddFleetHttp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DevelopmentCredentials>();
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, FleetJsonContext.Default);
            // Numbers are JSON numbers both ways, as the contract says (the web default also reads "12" as 12, which made
            // the OpenAPI document type every number as integer-or-string and broke generated clients).
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.AddServerHeader = false);
        builder.AddFleetForwardedHeaders();
        return builder;
    }

    /// <summary>The middleware pipeline, in one place because its order is the security rule (client address before
    /// limits, limits before authentication reads a body, authentication before the rate limiter partitions by key).</summary>
    public static WebApplication UseFleetHttp(this WebApplication app)
    {
        app.UseHeadAsGet();
        app.UseRouting();
        app.UseFleetForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseFleetRequestLimits();
        app.UseDashboardFiles();
        app.UseAuthentication();
        app.UseFleetRateLimits();
        app.UseAuthorization();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous().DisableRateLimiting();
        return app;
    }
}
