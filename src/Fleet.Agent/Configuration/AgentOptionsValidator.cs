using Fleet.Domain.Identity;
using Fleet.Domain.Validation;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Configuration;

/// <summary>The rules that span several settings; every message names the key to fix.</summary>
public sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var errors = new List<string>();
        if (DetectorId.IsValid(options.DetectorId) && DetectorId.IsReserved(options.DetectorId))
        {
            errors.Add($"Agent:DetectorId '{options.DetectorId}' starts with a reserved name (api, monitor, admin).");
        }

        var mqtt = options.Mqtt;
        if (string.IsNullOrEmpty(mqtt.Password) && string.IsNullOrEmpty(mqtt.PasswordFile))
        {
            errors.Add("Agent:Mqtt:PasswordFile (or the environment variable Agent__Mqtt__Password) is required.");
        }

        switch (options.Provider)
        {
            case "ngrok" when options.Ngrok.ManageProcess && string.IsNullOrWhiteSpace(options.Ngrok.Binary):
                errors.Add("Agent:Ngrok:Binary is required when the agent runs ngrok.");
                break;
            case "ngrok" when options.Ngrok.ManageProcess && options.Ngrok.ConfigFiles.Count == 0:
                errors.Add("Agent:Ngrok:ConfigFiles needs at least one ngrok configuration file.");
                break;
            case "reverse-ssh":
                ValidateReverseSsh(options.ReverseSsh, errors);
                break;
            case "static":
                ValidateStatic(options.Static, errors);
                break;
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateReverseSsh(ReverseSshSettings ssh, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(ssh.Relay) || string.IsNullOrWhiteSpace(ssh.User))
        {
            errors.Add("Agent:ReverseSsh:Relay and Agent:ReverseSsh:User are required for the reverse-ssh provider.");
        }

        if (ssh.RemotePort is < 1 or > 65535 || ssh.LocalPort is < 1 or > 65535)
        {
            errors.Add("Agent:ReverseSsh:RemotePort and Agent:ReverseSsh:LocalPort must be ports (1-65535).");
        }

        if (ssh.PublicUrl is null || UrlRules.Validate(ssh.PublicUrl, UrlPolicy.Open) is { } error)
        {
            errors.Add($"Agent:ReverseSsh:PublicUrl must be a valid tunnel URL such as ssh://relay.example.org:2222 ({ssh.PublicUrl ?? "missing"}).");
        }
    }

    private static void ValidateStatic(StaticSettings settings, List<string> errors)
    {
        if (settings.Tunnels.Count == 0)
        {
            errors.Add("Agent:Static:Tunnels needs at least one tunnel for the static provider.");
        }

        foreach (var tunnel in settings.Tunnels)
        {
            if (UrlRules.Validate(tunnel.Url, UrlPolicy.Open) is { } error)
            {
                errors.Add($"Agent:Static:Tunnels '{tunnel.Name}': {error}.");
            }
        }
    }
}
