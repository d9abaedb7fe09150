using Fleet.Api.Dashboard;
using Fleet.Api.Errors;
using Fleet.Api.Limits;
using Fleet.Api.OpenApi;
using Fleet.Domain.Messages;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;

namespace Fleet.Api.Startup;

public static class HttpExtensions
{
    public static IHostApplicationBuilder AddFleetHttp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DevelopmentCredentials>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, FleetJsonContext.Default));
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.AddServerHeader = false);
        builder.AddFleetForwardedHeaders();
        builder.AddFleetLimits();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<ApiKeySecurityTransformer>());
        return builder;
    }

    public static WebApplication UseFleetHttp(this WebApplication app)
    {
        app.UseFleetForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseFleetRequestLimits();
        app.UseDashboardFiles();
        app.UseAuthentication();
        app.UseFleetRateLimits();
        app.UseAuthorization();

        app.MapOpenApi().AllowAnonymous();
        app.UseFleetSwaggerUi();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous().DisableRateLimiting();
        return app;
    }
}
