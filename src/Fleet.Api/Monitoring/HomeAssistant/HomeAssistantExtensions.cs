using Microsoft.Extensions.Options;

namespace Fleet.Api.Monitoring.HomeAssistant;

public static class HomeAssistantExtensions
{
    /// <summary>Home Assistant MQTT discovery (off by default): a device per detector, configs retained below Monitoring:HomeAssistant:Prefix.</summary>
    public static IHostApplicationBuilder AddFleetHomeAssistant(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HomeAssistantOptions>()
            .BindConfiguration(HomeAssistantOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HomeAssistantOptions>, HomeAssistantOptionsValidation>();
        builder.Services.AddSingleton<HomeAssistantDiscovery>();
        builder.Services.AddSingleton<HomeAssistantSweep>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HomeAssistantSweep>());
        return builder;
    }
}
