using Fleet.Agent.Configuration;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Commands;

/// <summary>Reads the agent's configuration the way `run` does, for the `status` and `check` commands.</summary>
internal static class AgentConfigLoader
{
    public static (AgentOptions Options, List<string> Errors, string Source) Load(string[] args)
    {
        var file = AgentHost.ConfigFile;
        var errors = new List<string>();
        if (!File.Exists(file))
        {
            errors.Add($"The configuration file {file} does not exist (set {AgentHost.ConfigVariable} to use another).");
        }

        IConfiguration configuration;
        try
        {
            configuration = AgentHost.AddAgentConfiguration(new ConfigurationBuilder(), args, fileRequired: false).Build();
        }
        catch (InvalidDataException ex)
        {
            errors.Add($"The configuration file {file} is not valid JSON: {ex.Message}");
            return (new AgentOptions(), errors, file);
        }

        var options = new AgentOptions();
        configuration.GetSection(AgentOptions.Section).Bind(options);
        foreach (var result in new IValidateOptions<AgentOptions>[] { new AgentOptionsAnnotationsValidator(), new AgentOptionsValidator() }
            .Select(v => v.Validate(null, options))
            .Where(r => r.Failed))
        {
            errors.AddRange(result.Failures ?? []);
        }

        return (options, errors, file);
    }
}
