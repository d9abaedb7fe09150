using System.Text.Json.Serialization.Metadata;
using Fleet.Api.Data;
using DetectorView = Fleet.Domain.Messages.DetectorView;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Registry;

public static class RegistryExtensions
{
    public static IHostApplicationBuilder AddFleetRegistry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RegistryOptions>()
            .BindConfiguration(RegistryOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<DetectorRegistry>();
        // The view as the HTTP endpoints write it (their options: the contract's context, ASP.NET Core's encoder), so a
        // stored view is byte for byte the body a read would have written; the monitoring topics publish the same bytes.
        builder.Services.AddSingleton(sp =>
            (JsonTypeInfo<DetectorView>)sp.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions.GetTypeInfo(typeof(DetectorView)));
        builder.Services.AddSingleton<RegistryReads>();
        builder.Services.AddSingleton<RegistryQueue>();
        builder.Services.AddSingleton<RegistryMetrics>();
        builder.Services.AddSingleton<RegistrySync>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RegistrySync>());
        builder.Services.AddSingleton<IDetectorChanges>(sp => sp.GetRequiredService<RegistrySync>());

        var database = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();
        if (database.Provider == DatabaseProvider.Postgres)
        {
            var connectionString = builder.Configuration.GetConnectionString(DataExtensions.ConnectionStringName)!;
            builder.Services.AddSingleton<IDetectorNotifications>(sp => new PostgresDetectorNotifications(
                connectionString, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PostgresDetectorNotifications>>()));
        }
        else
        {
            builder.Services.AddSingleton<IDetectorNotifications, NoDetectorNotifications>();
        }

        // Ready once the registry has loaded: an instance behind a load balancer answers from memory from its first request.
        builder.Services.AddHealthChecks().AddCheck<RegistryHealthCheck>("registry", tags: ["ready"]);
        return builder;
    }

    private sealed class RegistryHealthCheck(DetectorRegistry registry) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(!registry.Enabled || registry.Loaded
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The detector registry is still loading."));
    }
}
