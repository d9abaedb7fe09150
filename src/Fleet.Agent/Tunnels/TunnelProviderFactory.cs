using Fleet.Agent.Configuration;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tunnels;

public static class TunnelProviderFactory
{
    public static ITunnelProvider Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<AgentOptions>>().Value;
        return options.Provider switch
        {
            "static" => ActivatorUtilities.CreateInstance<StaticTunnelProvider>(services),
            "ngrok" => ActivatorUtilities.CreateInstance<NgrokTunnelProvider>(services),
            "reverse-ssh" => ActivatorUtilities.CreateInstance<ReverseSshTunnelProvider>(services),
            "cloudflared" => ActivatorUtilities.CreateInstance<CloudflaredTunnelProvider>(services),
            _ => throw new InvalidOperationException($"Agent:Provider '{options.Provider}' is not available in this build."),
        };
    }
}
