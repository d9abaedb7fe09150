using Fleet.Domain.Reachability;

namespace Fleet.Agent.Configuration;

/// <summary>The rules of Agent:Checks; every message names the key and the fix.</summary>
internal static class CheckSettingsValidator
{
    public static void Validate(CheckSettings checks, List<string> errors)
    {
        AgentOptionsValidator.CheckRange(errors, "Agent:Checks:Interval", checks.Interval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        AgentOptionsValidator.CheckRange(errors, "Agent:Checks:Timeout", checks.Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        if (checks.Timeout > checks.Interval)
        {
            errors.Add($"Agent:Checks:Timeout ({checks.Timeout}) must not be longer than Agent:Checks:Interval ({checks.Interval}).");
        }

        foreach (var entry in checks.Resolve)
        {
            if (!ResolveRules.TryParse(entry, out _, out var error))
            {
                errors.Add($"Agent:Checks:Resolve entry '{entry}' {error}: write {ResolveRules.Format}.");
            }
        }

        if (!string.IsNullOrEmpty(checks.CaFile))
        {
            try
            {
                Publishing.MqttTls.LoadCertificates(checks.CaFile);
            }
            catch (InvalidDataException ex)
            {
                errors.Add($"Agent:Checks:CaFile: {ex.Message}");
            }
        }
    }
}
