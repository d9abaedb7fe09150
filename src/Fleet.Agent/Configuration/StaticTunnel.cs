namespace Fleet.Agent.Configuration;

public sealed class StaticTunnel
{
    public string Name { get; set; } = "web";

    public string Url { get; set; } = string.Empty;

    public string? Proto { get; set; }

    public string? Upstream { get; set; }
}
