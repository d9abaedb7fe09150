namespace Fleet.Api.History;

public static class HistoryExtensions
{
    public static IHostApplicationBuilder AddFleetHistory(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HistoryOptions>()
            .BindConfiguration(HistoryOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<HistoryCleanupService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HistoryCleanupService>());
        return builder;
    }
}
