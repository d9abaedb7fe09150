using Fleet.Api.Ingest;
using Fleet.Api.Monitoring.HomeAssistant;

namespace Fleet.Api.Monitoring;

public static class MonitoringExtensions
{
    /// <summary>Committed changes go to fleet/v1/events/{id} and fleet/v1/registry/{id} without holding up the ingest.</summary>
    public static IHostApplicationBuilder AddFleetMonitoring(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MonitoringOptions>()
            .BindConfiguration(MonitoringOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<MonitoringMqtt>();
        builder.Services.AddSingleton<MonitoringViews>();
        builder.Services.AddSingleton<MonitoringPublisher>();
        builder.Services.AddSingleton<IEventSink>(sp => sp.GetRequiredService<MonitoringPublisher>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MonitoringPublisher>());
        builder.AddFleetHomeAssistant();
        return builder;
    }
}
