using Fleet.Domain.Validation;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Reachability;

/// <summary>The API's reachability probe (Probe:*): options checked at start, the egress policy, the prober and its scheduler.</summary>
public static class ProbeExtensions
{
    public static IHostApplicationBuilder AddFleetProbe(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProbeOptions>()
            .BindConfiguration(ProbeOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.AllowedNetworks.All(n => UrlPolicy.ParseNetwork(n) is not null),
                "Probe:AllowedNetworks holds an entry that is not a network: write CIDR like 10.1.2.0/24 or a single address like 203.0.113.7.")
            .Validate(o => o.Timeout < o.Interval,
                "Probe:Timeout must be shorter than Probe:Interval: a probe must end before the next round starts.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ProbeOptions>, ProbeResolveValidation>();
        builder.Services.AddSingleton(_ => new ProbeProxy(HttpClient.DefaultProxy));
        builder.Services.AddSingleton<IProbeResolver, ProbeResolver>();
        builder.Services.AddSingleton<ProbeEgress>();
        builder.Services.AddSingleton<ProbeMetrics>();
        builder.Services.AddSingleton<ProbeConnections>();
        builder.Services.AddSingleton<UrlProber>();
        builder.Services.AddSingleton<ProbeScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProbeScheduler>());
        return builder;
    }
}
