namespace Fleet.Api.Audit;

public static class AuditExtensions
{
    public static IHostApplicationBuilder AddFleetAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuditOptions>()
            .BindConfiguration(AuditOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddHostedService<AuditQueueWriter>();
        builder.Services.AddSingleton<AuditCleanupService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditCleanupService>());
        return builder;
    }
}
