using Fleet.Agent.Configuration;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tunnels;

/// <summary>Fixed addresses: nothing to supervise, the configured URLs are the state.</summary>
public sealed class StaticTunnelProvider(IOptions<AgentOptions> options) : TunnelProviderBase("static")
{

    public override async Task RunAsync(CancellationToken ct)
    {
        var tunnels = options.Value.Static.Tunnels
            .Select(t => new TunnelReport { Name = t.Name, Url = t.Url, Proto = t.Proto ?? new Uri(t.Url).Scheme, Upstream = t.Upstream })
            .ToList();
        Snapshot.Set(new ProviderSnapshot(tunnels, new ProviderReport { Kind = "static", State = "running" }));
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            Snapshot.Update(s => s with { Provider = s.Provider with { State = "stopped" } });
        }
    }
}
