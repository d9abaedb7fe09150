using Fleet.Agent.Configuration;
using Fleet.Agent.Ngrok;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tunnels;

public static class TunnelProviderFactory
{
    /// <summary>The failover chain over Agent:Providers (or the one Agent:Provider): one provider runs at a time.</summary>
    public static ITunnelProvider Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<AgentOptions>>().Value;
        var kinds = options.EffectiveProviders;
        var account = kinds.Contains("ngrok") ? NgrokAccount.Of(options.Ngrok) : null;
        return new ProviderChain(
            kinds,
            kind => CreateOne(services, kind),
            options.Failover,
            account,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<ProviderChain>>());
    }

    /// <summary>A fresh provider of <paramref name="kind"/>: the chain starts a new one at every activation.</summary>
    public static ITunnelProvider CreateOne(IServiceProvider services, string kind) => kind switch
    {
        "static" => ActivatorUtilities.CreateInstance<StaticTunnelProvider>(services),
        "ngrok" => ActivatorUtilities.CreateInstance<NgrokTunnelProvider>(services),
        "reverse-ssh" => ActivatorUtilities.CreateInstance<ReverseSshTunnelProvider>(services),
        "cloudflared" => ActivatorUtilities.CreateInstance<CloudflaredTunnelProvider>(services),
        _ => throw new InvalidOperationException($"Agent:Providers '{kind}' is not available in this build."),
    };
}
