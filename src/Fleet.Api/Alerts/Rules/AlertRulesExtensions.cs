using Fleet.Api.Alerts.Delivery;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Fleet.Api.Alerts.Rules;

public static class AlertRulesExtensions
{
    public static IHostApplicationBuilder AddFleetAlertRules(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertRulesOptions>()
            .BindConfiguration(AlertRulesOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddScoped<AlertFiring>();
        builder.Services.AddScoped<FleetRuleCheck>();
        builder.Services.AddScoped<EvaluationBatch>();
        builder.Services.AddSingleton<AlertEvaluator>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertEvaluator>());
        return builder;
    }
}
