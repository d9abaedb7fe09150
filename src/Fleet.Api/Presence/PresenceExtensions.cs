namespace Fleet.Api.PresenceSweep;

public static class PresenceExtensions
{
    public static IHostApplicationBuilder AddFleetPresence(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PresenceOptions>()
            .BindConfiguration(PresenceOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<PresenceSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PresenceSweeper>());
        return builder;
    }
}
