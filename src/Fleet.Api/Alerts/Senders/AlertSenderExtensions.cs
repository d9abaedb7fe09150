using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Egress;
using Fleet.Domain.Validation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Alerts.Senders;

/// <summary>The alert senders (one <see cref="IAlertSender"/> per destination type), their egress and their options (Alerts:*, Alerts:Smtp:*), checked at start.</summary>
public static class AlertSenderExtensions
{
    public static IHostApplicationBuilder AddFleetAlertSenders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertSenderOptions>()
            .BindConfiguration(AlertSenderOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.AllowedNetworks.All(n => UrlPolicy.ParseNetwork(n) is not null),
                "Alerts:AllowedNetworks holds an entry that is not a network: write CIDR like 10.1.2.0/24 or a single address like 203.0.113.7.")
            .ValidateOnStart();
        builder.Services.AddOptions<SmtpOptions>()
            .BindConfiguration(SmtpOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidation>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IEgressResolver, SystemEgressResolver>();
        builder.Services.TryAddSingleton(new SmtpTrust());
        builder.Services.AddSingleton<AlertEgress>();
        builder.Services.AddSingleton<HttpDelivery>();
        builder.Services.AddSingleton<IAlertSender, WebhookSender>();
        builder.Services.AddSingleton<IAlertSender, NtfySender>();
        builder.Services.AddSingleton<IAlertSender, SlackSender>();
        builder.Services.AddSingleton<IAlertSender, EmailSender>();
        return builder;
    }
}
