namespace Fleet.Api.Ingest;

public static class IngestExtensions
{
    public static IHostApplicationBuilder AddFleetIngest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestOptions>()
            .BindConfiguration(IngestOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Faults.KillAfterCommits >= 0, "Ingest:Faults:KillAfterCommits must be 0 (off) or a positive number of commits.")
            // The writer takes only what is already queued, so a batch never holds more than the queue: a larger
            // BatchSize would silently do nothing.
            .Validate(
                o => o.BatchSize <= o.QueueCapacity,
                "Ingest:BatchSize must not exceed Ingest:QueueCapacity (a batch only takes what is queued): lower Ingest:BatchSize or raise Ingest:QueueCapacity.")
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
