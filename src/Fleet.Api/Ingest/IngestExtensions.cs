namespace Fleet.Api.Ingest;

public static class IngestExtensions
{
    public static IHostApplicationBuilder AddFleetIngest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestOptions>()
            .BindConfiguration(IngestOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Faults.KillAfterCommits >= 0, "Ingest:Faults:KillAfterCommits must be 0 (off) or a positive number of commits.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IngestQueue>();
        builder.Services.AddSingleton<IngestMetrics>();
        builder.Services.AddSingleton<RejectionLog>();
        builder.Services.AddSingleton<ChangeBudget>();
        builder.Services.AddHostedService<ChangeFlusher>();
        builder.Services.AddScoped<IngestWriter>();
        builder.Services.AddHostedService<IngestService>();
        return builder;
    }
}
