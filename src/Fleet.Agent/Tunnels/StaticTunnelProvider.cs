using Fleet.Agent.Configuration;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tunnels;

/// <summary>Fixed addresses: nothing to supervise, the configured URLs are the state.</summary>
public sealed class StaticTunnelProvider(IOptions<AgentOptions> options) : ITunnelProvider
{
    private readonly SnapshotHolder _snapshot = new("static");

    public ProviderSnapshot Current => _snapshot.Current;

    public event Action? Changed
    {
        add => _snapshot.Changed += value;
        remove => _snapshot.Changed -= value;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var tunnels = options.Value.Static.Tunnels
            .Select(t => new TunnelReport { Name = t.Name, Url = t.Url, Proto = t.Proto ?? new Uri(t.Url).Scheme, Upstream = t.Upstream })
            .ToList();
        _snapshot.Set(new ProviderSnapshot(tunnels, new ProviderReport { Kind = "static", State = "running" }));
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            _snapshot.Update(s => s with { Provider = s.Provider with { State = "stopped" } });
        }
    }
}
