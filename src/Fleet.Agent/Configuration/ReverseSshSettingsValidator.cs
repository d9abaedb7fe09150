using Fleet.Domain.Validation;

namespace Fleet.Agent.Configuration;

/// <summary>The rules of Agent:ReverseSsh; every message names the key and the fix.</summary>
internal static class ReverseSshSettingsValidator
{
    private static readonly string[] Protos = ["ssh", "tcp", "http"];

    public static void Validate(ReverseSshSettings ssh, UrlPolicy publishable, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(ssh.Relay) || string.IsNullOrWhiteSpace(ssh.User))
        {
            errors.Add("Agent:ReverseSsh:Relay and Agent:ReverseSsh:User are required for the reverse-ssh provider.");
        }

        if (ssh.RemotePort is < 1 or > 65535 || ssh.LocalPort is < 1 or > 65535)
        {
            errors.Add("Agent:ReverseSsh:RemotePort and Agent:ReverseSsh:LocalPort must be ports (1-65535); the relay's operator assigns RemotePort (infra/relay add-key).");
        }

        if (string.IsNullOrWhiteSpace(ssh.RemoteBindAddress) || ssh.RemoteBindAddress.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '/'))
        {
            errors.Add($"Agent:ReverseSsh:RemoteBindAddress must be * (every interface of the relay) or one of its addresses (got '{ssh.RemoteBindAddress}').");
        }

        if (ssh.Proto is not null && !Protos.Contains(ssh.Proto, StringComparer.Ordinal))
        {
            errors.Add($"Agent:ReverseSsh:Proto must be ssh, tcp or http (got '{ssh.Proto}'), or left out (ssh for LocalPort 22, else tcp).");
        }

        var url = ssh.EffectivePublicUrl;
        if (url is null || UrlRules.Validate(url, publishable) is not null)
        {
            errors.Add($"Agent:ReverseSsh:PublicUrl must be a valid tunnel URL such as ssh://relay.example.org:2222, or left out to use Relay and RemotePort ({url ?? "missing"}).");
        }

        AgentOptionsValidator.CheckRange(errors, "Agent:ReverseSsh:ProbeTimeout", ssh.ProbeTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        AgentOptionsValidator.CheckRange(errors, "Agent:ReverseSsh:ProbeMinDelay", ssh.ProbeMinDelay, TimeSpan.FromMilliseconds(10), ssh.ProbeMaxDelay);
        AgentOptionsValidator.CheckRange(errors, "Agent:ReverseSsh:RestartMinDelay", ssh.RestartMinDelay, TimeSpan.FromMilliseconds(10), ssh.RestartMaxDelay);
    }
}
