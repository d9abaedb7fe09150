using Fleet.Agent;
using Fleet.Agent.Commands;

var command = args.FirstOrDefault(a => !a.StartsWith('-')) ?? "run";
var rest = args.SkipWhile(a => a != command).Skip(1).ToArray();

return command switch
{
    "run" => await RunAsync(rest),
    "status" => StatusCommand.Run(rest),
    "check" => await CheckCommand.RunAsync(rest),
    "version" or "--version" => PrintVersion(),
    _ => Usage(command),
};

static async Task<int> RunAsync(string[] args)
{
    using var host = AgentHost.CreateBuilder(args).Build();
    if (StartupErrors.Find(host.Services) is { Count: > 0 } errors)
    {
        foreach (var error in errors)
        {
            await Console.Error.WriteLineAsync($"fleet-agent: {error}");
        }

        return StartupErrors.ExitCode;
    }

    await host.RunAsync();
    return 0;
}

static int PrintVersion()
{
    Console.WriteLine($"fleet-agent {Fleet.Agent.Publishing.AgentInfo.Version}");
    return 0;
}

static int Usage(string command)
{
    Console.Error.WriteLine($"""
        Unknown command '{command}'.
        Usage: fleet-agent [run|status|check|version]
          run      publish this detector's tunnels (the default; systemd runs this)
          status   what the running agent publishes right now (--json for JSON)
          check    validate the configuration, reach the broker and the tunnel provider
        Configuration: {AgentHost.DefaultConfigFile}, or the file in {AgentHost.ConfigVariable}.
        """);
    return 2;
}
