namespace Fleet.Agent.Checks;

public static class ChecksRegistration
{
    /// <summary>The reachability checks: the store the publisher reads, the checker and the loop that runs it.</summary>
    public static IServiceCollection AddFleetChecks(this IServiceCollection services)
    {
        services.AddSingleton<CheckStore>();
        services.AddSingleton<TunnelChecker>();
        services.AddHostedService<CheckRunner>();
        return services;
    }
}
