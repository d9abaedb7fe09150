namespace Fleet.Api.Reachability;

public static class ReachabilityExtensions
{
    /// <summary>The store side of reachability: where the API probe's results go (<see cref="IProbeResultSink"/>).</summary>
    public static IHostApplicationBuilder AddFleetReachability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ProbeResultWriter>();
        builder.Services.AddSingleton<IProbeResultSink>(sp => sp.GetRequiredService<ProbeResultWriter>());
        return builder;
    }
}
