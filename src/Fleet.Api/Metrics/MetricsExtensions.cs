using Fleet.Api.Auth;
using Fleet.Api.Ingest;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Fleet.Api.Metrics;

/// <summary>
/// <c>GET /metrics</c> in Prometheus text format through OpenTelemetry: the ingest counters and lag, detectors by
/// status, broker reconnects, failed monitoring publishes and ASP.NET Core's HTTP server metrics. Readers may
/// scrape it on the main port; with <c>Metrics:Port</c> set it is also served without a key on that port.
/// </summary>
public static class MetricsExtensions
{
    public const string Path = "/metrics";
    public const string Policy = "fleet-metrics";

    public static IHostApplicationBuilder AddFleetMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>()
            .BindConfiguration(MetricsOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<DetectorCounts>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DetectorCounts>());
        builder.Services.AddSingleton<FleetMeters>();

        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(IngestMetrics.MeterName, FleetMeters.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());

        var port = builder.Configuration.GetValue<int?>($"{MetricsOptions.Section}:{nameof(MetricsOptions.Port)}");
        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.RequireAssertion(context =>
            context.User.IsInRole(Roles.Reader)
            || context.User.IsInRole(Roles.Admin)
            || port is { } p && context.Resource is HttpContext http && MetricsPort.IsOn(http, p)));

        if (port is { } metricsPort and > 0 and <= 65535)
        {
            MetricsPort.Listen(builder.Configuration, metricsPort);
            builder.Services.AddSingleton<IStartupFilter>(new MetricsPort(metricsPort));
        }

        return builder;
    }

    public static WebApplication MapFleetMetrics(this WebApplication app)
    {
        // Created now so the observable instruments exist before the first scrape.
        _ = app.Services.GetRequiredService<FleetMeters>();
        _ = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        app.MapPrometheusScrapingEndpoint(Path).RequireAuthorization(Policy);
        return app;
    }
}
