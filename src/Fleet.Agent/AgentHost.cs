using Fleet.Agent.Configuration;
using Fleet.Agent.Publishing;
using Fleet.Agent.Tunnels;
using Microsoft.Extensions.Options;

namespace Fleet.Agent;

/// <summary>Builds the agent's host: configuration from /etc/fleet-agent/agent.json (or FLEET_AGENT_CONFIG) and the environment.</summary>
public static class AgentHost
{
    public const string ConfigVariable = "FLEET_AGENT_CONFIG";
    public const string DefaultConfigFile = "/etc/fleet-agent/agent.json";

    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        // The service runs in its state directory; appsettings.json lives next to the binary.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var configFile = Environment.GetEnvironmentVariable(ConfigVariable) ?? DefaultConfigFile;
        builder.Configuration.AddJsonFile(configFile, optional: Environment.GetEnvironmentVariable(ConfigVariable) is null, reloadOnChange: false);

        // Environment variables override the file (Agent__Mqtt__Password for secret stores).
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);

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
        builder.Services.AddSystemd();
        return builder;
    }
}
