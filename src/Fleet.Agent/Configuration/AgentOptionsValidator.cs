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

        // Patterns are checked here rather than with [RegularExpression], whose Regex is built at run time: the
        // interpreter it loads costs the trimmed agent about 0.5 MB (docs/benchmarks/analysis.md).
        if (string.IsNullOrEmpty(options.DetectorId))
        {
            errors.Add("Agent:DetectorId is required: this detector's id, e.g. \"pi-042\".");
        }
        else if (!DetectorId.IsValid(options.DetectorId))
        {
            errors.Add("Agent:DetectorId must match " + DetectorId.Pattern);
        }
        else if (DetectorId.IsReserved(options.DetectorId))
        {
            errors.Add($"Agent:DetectorId '{options.DetectorId}' starts with a reserved name (api, monitor, admin).");
        }

        // TimeSpan ranges are checked here rather than with [Range(typeof(TimeSpan), …)], which needs reflection
        // that trimming and Native AOT remove.
        CheckRange(errors, "Agent:Heartbeat", options.Heartbeat, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        CheckRange(errors, "Agent:Debounce", options.Debounce, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        CheckRange(errors, "Agent:Mqtt:KeepAlive", options.Mqtt.KeepAlive, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(30));
        CheckRange(errors, "Agent:Mqtt:WillDelay", options.Mqtt.WillDelay, TimeSpan.Zero, TimeSpan.FromHours(1));
        CheckRange(errors, "Agent:Mqtt:ConnectTimeout", options.Mqtt.ConnectTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        CheckRange(errors, "Agent:Mqtt:PingInterval", options.Mqtt.PingInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        CheckRange(errors, "Agent:Mqtt:EpochRecoveryWait", options.Mqtt.EpochRecoveryWait, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        CheckRange(errors, "Agent:Mqtt:ReconnectMinDelay", options.Mqtt.ReconnectMinDelay, TimeSpan.FromMilliseconds(10), options.Mqtt.ReconnectMaxDelay);
        CheckRange(errors, "Agent:Mqtt:PreferredEndpointRetry", options.Mqtt.PreferredEndpointRetry, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        CheckRange(errors, "Agent:Mqtt:TakeoverMinDelay", options.Mqtt.TakeoverMinDelay, TimeSpan.FromMilliseconds(10), options.Mqtt.TakeoverMaxDelay);

        CheckSettingsValidator.Validate(options.Checks, errors);
        Health.HealthSettingsValidator.Validate(options.Health, errors);
        ProviderLogSettingsValidator.Validate(options.ProviderLog, errors);

        var mqtt = options.Mqtt;
        if (string.IsNullOrEmpty(mqtt.Password) && string.IsNullOrEmpty(mqtt.PasswordFile))
        {
            errors.Add("Agent:Mqtt:PasswordFile (or the environment variable Agent__Mqtt__Password) is required.");
        }

        MqttEndpointsValidator.Validate(mqtt, errors);

        ValidateChain(options, errors);
        foreach (var kind in options.EffectiveProviders.Distinct(StringComparer.Ordinal))
        {
            switch (kind)
            {
                case "ngrok" when options.Ngrok.ManageProcess && string.IsNullOrWhiteSpace(options.Ngrok.Binary):
                    errors.Add("Agent:Ngrok:Binary is required when the agent runs ngrok.");
                    break;
                case "reverse-ssh":
                    ReverseSshSettingsValidator.Validate(options.ReverseSsh, PublishablePolicy, errors);
                    break;
                case "cloudflared":
                    CloudflaredSettingsValidator.Validate(options.Cloudflared, errors);
                    break;
                case "static":
                    ValidateStatic(options.Static, errors);
                    break;
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateChain(AgentOptions options, List<string> errors)
    {
        if (!KnownProviders.Contains(options.Provider))
        {
            errors.Add("Agent:Provider must be ngrok, reverse-ssh, cloudflared or static");
        }

        foreach (var kind in options.Providers.Where(k => !KnownProviders.Contains(k)))
        {
            errors.Add($"Agent:Providers: '{kind}' is not a provider; use ngrok, reverse-ssh, cloudflared or static.");
        }

        if (options.Providers.Distinct(StringComparer.Ordinal).Count() != options.Providers.Count)
        {
            errors.Add("Agent:Providers names a provider twice; list each once, most preferred first.");
        }

        var failover = options.Failover;
        if (failover.CrashLoopCount is < 2 or > 100)
        {
            errors.Add($"Agent:Failover:CrashLoopCount must be between 2 and 100 (got {failover.CrashLoopCount}).");
        }

        CheckRange(errors, "Agent:Failover:CrashLoopWindow", failover.CrashLoopWindow, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        CheckRange(errors, "Agent:Failover:RetryPreferredAfter", failover.RetryPreferredAfter, TimeSpan.FromMilliseconds(100), failover.RetryPreferredMax);
        CheckRange(errors, "Agent:Failover:RetryPreferredMax", failover.RetryPreferredMax, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(7));
        CheckRange(errors, "Agent:Failover:TrialTimeout", failover.TrialTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
    }

    private static readonly HashSet<string> KnownProviders = ["ngrok", "reverse-ssh", "cloudflared", "static"];

    internal static void CheckRange(List<string> errors, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} must be between {min} and {max} (got {value}).");
        }
    }

    // Private networks are the API operator's decision (Ingest:AllowedNetworks): a lab LAN detector may publish
    // http://192.168.1.20. What no deployment may publish (loopback, link-local, metadata) is refused here already.
    private static UrlPolicy PublishablePolicy => UrlPolicy.AnyNetwork;

    private static void ValidateStatic(StaticSettings settings, List<string> errors)
    {
        if (settings.Tunnels.Count == 0)
        {
            errors.Add("Agent:Static:Tunnels needs at least one tunnel for the static provider.");
        }

        foreach (var tunnel in settings.Tunnels)
        {
            if (UrlRules.Validate(tunnel.Url, PublishablePolicy) is { } error)
            {
                errors.Add($"Agent:Static:Tunnels '{tunnel.Name}': {error}.");
            }
        }
    }
}
