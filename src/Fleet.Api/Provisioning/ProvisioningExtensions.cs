using Microsoft.Extensions.Options;

namespace Fleet.Api.Provisioning;

public static class ProvisioningExtensions
{
    public static IHostApplicationBuilder AddFleetProvisioning(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProvisioningOptions>()
            .BindConfiguration(ProvisioningOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ProvisioningOptions>, ProvisioningOptionsValidation>();
        builder.Services.AddScoped<DetectorProvisioner>();
        return builder;
    }
}
