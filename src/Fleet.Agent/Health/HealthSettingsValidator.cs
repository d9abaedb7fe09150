using Fleet.Agent.Configuration;
using Fleet.Domain.Validation;

namespace Fleet.Agent.Health;

/// <summary>The rules of Agent:Health; every message names the key and the fix.</summary>
internal static class HealthSettingsValidator
{
    public static void Validate(HealthSettings health, List<string> errors)
    {
        AgentOptionsValidator.CheckRange(errors, "Agent:Health:FactsInterval", health.FactsInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        if (!string.IsNullOrEmpty(health.PublicIpUrl) && !IsHttpUrl(health.PublicIpUrl))
        {
            errors.Add($"Agent:Health:PublicIpUrl must be an http:// or https:// URL, or left out (got '{health.PublicIpUrl}').");
        }

        if (health.Checks.Count > HealthRules.MaxChecks)
        {
            errors.Add($"Agent:Health:Checks has {health.Checks.Count} entries: at most {HealthRules.MaxChecks}.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < health.Checks.Count; i++)
        {
            var check = health.Checks[i];
            var key = $"Agent:Health:Checks:{i}";
            if (check.Name.Length is 0 or > HealthRules.MaxNameLength || TextRules.FindHidden(check.Name) is not null)
            {
                errors.Add($"{key}:Name must be 1 to {HealthRules.MaxNameLength} printable characters (got '{check.Name}').");
            }
            else if (!names.Add(check.Name))
            {
                errors.Add($"{key}:Name '{check.Name}' is used by another check: give each check its own name.");
            }

            var hasCommand = check.Command.Count > 0;
            var hasUrl = !string.IsNullOrEmpty(check.Url);
            if (hasCommand == hasUrl)
            {
                errors.Add($"{key} needs exactly one of Command (the program and its arguments, e.g. [\"/usr/local/bin/check-daq\"]) and Url.");
            }
            else if (hasCommand && string.IsNullOrWhiteSpace(check.Command[0]))
            {
                errors.Add($"{key}:Command:0 must name the program to run.");
            }
            else if (hasUrl && !IsHttpUrl(check.Url!))
            {
                errors.Add($"{key}:Url must be an http:// or https:// URL (got '{check.Url}').");
            }

            AgentOptionsValidator.CheckRange(errors, $"{key}:Interval", check.Interval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
            AgentOptionsValidator.CheckRange(errors, $"{key}:Timeout", check.Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
            if (check.Timeout > check.Interval)
            {
                errors.Add($"{key}:Timeout ({check.Timeout}) must not be longer than its Interval ({check.Interval}).");
            }
        }
    }

    private static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && !string.IsNullOrEmpty(url.Host);
}
