namespace Fleet.Agent.Configuration;

/// <summary>Fixed addresses, e.g. a public IP the internet provider gives the Pi.</summary>
public sealed class StaticSettings
{
    public List<StaticTunnel> Tunnels { get; set; } = [];
}
