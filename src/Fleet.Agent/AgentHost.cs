using Fleet.Agent.Checks;
using Fleet.Agent.Configuration;
using Fleet.Agent.Health;
using Fleet.Agent.Publishing;
using Fleet.Agent.Tunnels;
using Microsoft.Extensions.Options;

namespace Fleet.Agent;

/// <summary>Builds the agent's host: configuration from /etc/fleet-agent/agent.json (or FLEET_AGENT_CONFIG) and the environment.</summary>
public static class AgentHost
{
    public const string ConfigVariable = "FLEET_AGENT_CONFIG";
    public const string DefaultConfigFile = "/etc/fleet-agent/agent.json";

    /// <summary>The configuration file (FLEET_AGENT_CONFIG, else /etc/fleet-agent/agent.json).</summary>
    public static string ConfigFile => Environment.GetEnvironmentVariable(ConfigVariable) ?? DefaultConfigFile;

    /// <summary>
    /// The agent's configuration sources, shared by `run` and the `status`/`check` commands: the file, then the
    /// environment (Agent__Mqtt__Password for secret stores), then the command line.
    /// </summary>
    public static IConfigurationBuilder AddAgentConfiguration(IConfigurationBuilder configuration, string[] args, bool fileRequired)
    {
        if (fileRequired || File.Exists(ConfigFile))
        {
            configuration.AddJsonFile(Path.GetFullPath(ConfigFile), optional: false, reloadOnChange: false);
        }

        return configuration.AddEnvironmentVariables().AddCommandLine(args);
    }

    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        // The service runs in its state directory; appsettings.json lives next to the binary.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        AddAgentConfiguration(builder.Configuration, args, fileRequired: Environment.GetEnvironmentVariable(ConfigVariable) is not null);

        // The console (the journal under systemd, see AddSystemd) is the agent's only log; the default host's Debug,
        // EventSource and EventLog providers would only cost memory on a Pi.
        builder.Logging.ClearProviders().AddConsole();

        builder.Services.AddOptions<AgentOptions>()
            .BindConfiguration(AgentOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsAnnotationsValidator>();
        builder.Services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new EpochStore(sp.GetRequiredService<IOptions<AgentOptions>>().Value.StateDirectory));
        builder.Services.AddSingleton<AgentStatusFile>();
        builder.Services.AddSingleton<MqttLink>();
        builder.Services.AddSingleton(TunnelProviderFactory.Create);
        builder.Services.AddHostedService<AgentPublisher>();
        builder.Services.AddFleetChecks();
        builder.Services.AddFleetHealth();
        builder.Services.AddSystemd();
        return builder;
    }
}
