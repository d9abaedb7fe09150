using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Configuration;

/// <summary>The agent's configuration (section "Agent" of /etc/fleet-agent/agent.json or FLEET_AGENT_CONFIG).</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>Checked by <see cref="AgentOptionsValidator"/> with the domain's generated pattern.</summary>
    public string DetectorId { get; set; } = string.Empty;

    /// <summary>Where the epoch and the last status live; it must survive reboots.</summary>
    [Required]
    public string StateDirectory { get; set; } = "/var/lib/fleet-agent";

    /// <summary>Where the provider's own output (ngrok, ssh) is kept, rotated.</summary>
    [Required]
    public string LogDirectory { get; set; } = "/var/log/fleet-agent";

    /// <summary>How often the full state is republished even when nothing changed.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Changes closer together than this are published once.</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>ngrok, reverse-ssh, cloudflared or static.</summary>
    public string Provider { get; set; } = "ngrok";

    /// <summary>
    /// The failover chain, most preferred first (e.g. ngrok, cloudflared, reverse-ssh); one provider runs at a time.
    /// Empty by default (the configuration binder appends to a list rather than replacing it): then
    /// <see cref="Provider"/> alone is the chain, so configurations written before the chain keep working.
    /// </summary>
    public List<string> Providers { get; set; } = [];

    /// <summary>The chain as configured: <see cref="Providers"/>, or <see cref="Provider"/> alone.</summary>
    public IReadOnlyList<string> EffectiveProviders => Providers.Count > 0 ? Providers : [Provider];

    public FailoverSettings Failover { get; set; } = new();

    [ValidateObjectMembers]
    public MqttSettings Mqtt { get; set; } = new();

    public NgrokSettings Ngrok { get; set; } = new();

    public ReverseSshSettings ReverseSsh { get; set; } = new();

    public CloudflaredSettings Cloudflared { get; set; } = new();

    public StaticSettings Static { get; set; } = new();

    public CheckSettings Checks { get; set; } = new();

    public Health.HealthSettings Health { get; set; } = new();

    public ProviderLogSettings ProviderLog { get; set; } = new();
}
