// The feature is the sweep (folder and namespace PresenceSweep): a namespace Fleet.Api.Presence would hide the
// contract's Presence enum (Fleet.Domain.Messages) from every file in a Fleet.Api.* namespace.
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
