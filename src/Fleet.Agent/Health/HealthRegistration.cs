using Fleet.Agent.Configuration;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Health;

public static class HealthRegistration
{
    /// <summary>Detector health: the store the publisher reads, the checker and the loop that runs the checks and reads the facts.</summary>
    public static IServiceCollection AddFleetHealth(this IServiceCollection services)
    {
        services.AddSingleton(sp => new HealthStore(sp.GetRequiredService<IOptions<AgentOptions>>().Value.Health.Enabled));
        services.AddSingleton<HealthChecker>();
        services.AddHostedService<HealthRunner>();
        return services;
    }
}
