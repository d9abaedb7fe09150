namespace Fleet.Agent.Configuration;

/// <summary>The rules of Agent:ProviderLog; every message names the key and the fix.</summary>
internal static class ProviderLogSettingsValidator
{
    public static void Validate(ProviderLogSettings settings, List<string> errors)
    {
        if (settings.Level is not (LogLevel.Debug or LogLevel.Information))
        {
            errors.Add($"Agent:ProviderLog:Level must be Debug or Information (got {settings.Level}).");
        }

        if (settings.MaxLines is < 1 or > 10_000)
        {
            errors.Add($"Agent:ProviderLog:MaxLines must be between 1 and 10000 (got {settings.MaxLines}); set Agent:ProviderLog:Journal to false to copy nothing.");
        }

        AgentOptionsValidator.CheckRange(errors, "Agent:ProviderLog:Per", settings.Per, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
    }
}
