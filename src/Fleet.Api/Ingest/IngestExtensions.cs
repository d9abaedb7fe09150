namespace Fleet.Api.Ingest;

public static class IngestExtensions
{
    public static IHostApplicationBuilder AddFleetIngest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestOptions>()
            .BindConfiguration(IngestOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IngestQueue>();
        builder.Services.AddSingleton<IngestMetrics>();
        builder.Services.AddSingleton<RejectionLog>();
        builder.Services.AddSingleton<IEventSink, NoEventSink>();
        builder.Services.AddScoped<IngestWriter>();
        builder.Services.AddHostedService<IngestService>();
        return builder;
    }
}
