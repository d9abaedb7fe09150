namespace Fleet.Api.Relays;

/// <summary>
/// The OpenSSH relays (infra/relay) detectors forward their reverse tunnels to. Fleet hands each detector one port of a
/// relay's range (relay_ports) with its provisioning; the relay admin authorises the detector's key for that port.
/// </summary>
public sealed class RelayOptions
{
    public const string Section = "Relay";

    public List<RelayDefinition> Relays { get; set; } = [];

    public RelayDefinition? Find(string name) => Relays.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));
}

/// <summary>One relay: where agents connect (Host, SshPort, User) and which ports Fleet may hand out on it.</summary>
public sealed class RelayDefinition
{
    /// <summary>The relay's name in requests and in relay_ports (lower-case letters, digits, '-').</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The relay's public name: agents connect to it and visitors reach detectors at Host:port.</summary>
    public string Host { get; set; } = string.Empty;

    public int SshPort { get; set; } = 22;

    /// <summary>The relay's login (infra/relay/install.sh setup --user; default fleet-relay).</summary>
    public string User { get; set; } = "fleet-relay";

    /// <summary>The ports Fleet hands out, <c>FROM-TO</c> inclusive (1024-65535).</summary>
    public string PortRange { get; set; } = "20000-29999";

    /// <summary>Where agents ask the relay to listen (Agent:ReverseSsh:RemoteBindAddress); unset: the agent's default (<c>*</c>).</summary>
    public string? RemoteBindAddress { get; set; }

    /// <summary>The parsed <see cref="PortRange"/> (validated at start).</summary>
    public (int From, int To) Ports => RelayPortRange.TryParse(PortRange, out var from, out var to) ? (from, to)
        : throw new InvalidOperationException($"Relay '{Name}': PortRange was not validated.");
}
