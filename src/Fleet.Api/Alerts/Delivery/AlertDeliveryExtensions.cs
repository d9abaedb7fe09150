using Fleet.Api.Data;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Api.Alerts.Delivery;

public static class AlertDeliveryExtensions
{
    /// <summary>Destinations, the outbox (<see cref="IAlertOutbox"/>) and the worker that delivers it; senders are registered by their own feature.</summary>
    public static IHostApplicationBuilder AddFleetAlertDelivery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertDeliveryOptions>()
            .BindConfiguration(AlertDeliveryOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddAlertDeliveryCore();
        builder.Services.AddHostedService<DeliveryWorker>();
        builder.Services.AddSingleton<DeliveryCleanupService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeliveryCleanupService>());
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Add(DeliveryJsonContext.Default));
        return builder;
    }

    /// <summary>Everything but the worker and the options' binding: what a test host needs to drive a dispatcher itself.</summary>
    internal static IServiceCollection AddAlertDeliveryCore(this IServiceCollection services)
    {
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<OutboxCommitInterceptor>();
        services.AddSingleton<IAlertOutbox, AlertOutbox>();
        services.AddSingleton<DestinationSecrets>();
        services.AddSingleton<DestinationCircuits>();
        services.AddSingleton<DeliveryBackoff>();
        services.AddSingleton<DeliveryMetrics>();
        services.AddSingleton<DeliveryAttempts>();
        services.AddSingleton<DeliveryDispatcher>();
        // The commit of a unit of work that enqueued wakes the worker: whichever provider's context is in use.
        services.ConfigureDbContext<PostgresFleetDbContext>((sp, db) => db.AddInterceptors(sp.GetRequiredService<OutboxCommitInterceptor>()));
        services.ConfigureDbContext<SqliteFleetDbContext>((sp, db) => db.AddInterceptors(sp.GetRequiredService<OutboxCommitInterceptor>()));
        return services;
    }

    public static IEndpointRouteBuilder MapAlertDeliveryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapDestinationEndpoints();
        app.MapDeliveryEndpoints();
        return app;
    }
}
