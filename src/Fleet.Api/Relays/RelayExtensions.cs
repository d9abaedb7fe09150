using Microsoft.Extensions.Options;

namespace Fleet.Api.Relays;

public static class RelayExtensions
{
    public static IHostApplicationBuilder AddFleetRelays(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RelayOptions>()
            .BindConfiguration(RelayOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RelayOptions>, RelayOptionsValidation>();
        builder.Services.AddScoped<RelayPortAllocator>();
        builder.Services.AddScoped<RelayChoice>();
        return builder;
    }
}
