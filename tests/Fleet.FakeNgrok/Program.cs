using Fleet.FakeNgrok;

using YamlDotNet.Core;

// A stand-in for the ngrok agent: ngrok's command line, log records and local API, steered by a control file.
FakeCommandLine commandLine = FakeCommandLine.Parse(args);
if (commandLine.Command == "version")
{
    Console.Out.WriteLine("ngrok version " + FakeAgentState.Version);
    return 0;
}

if (commandLine.Command != "start")
{
    Console.Error.WriteLine("ERROR:  the stand-in ngrok only supports `start` and `version`");
    return 1;
}

FakeConfig config;
try
{
    config = FakeConfig.Load(commandLine.ConfigPaths);
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or YamlException)
{
    Console.Error.WriteLine("ERROR:  failed to read config: " + ex.Message);
    return 1;
}

string? controlPath = Environment.GetEnvironmentVariable(ControlFile.EnvironmentVariable);
ControlFile control = ControlFile.TryRead(controlPath) ?? ControlFile.Default;
if (control.Crash)
{
    return control.ExitCode;
}

AgentLog log = new(NgrokLogWriter.Create(commandLine, config), config.Authtoken);
foreach (string path in commandLine.ConfigPaths)
{
    log.ConfigOpened(path);
}

if (control.Error is { } code)
{
    log.CommandFailed(code);
    return 1;
}

IEnumerable<FakeTunnelSpec> selected = commandLine.All
    ? config.Tunnels
    : config.Tunnels.Where(t => commandLine.Names.Contains(t.Name));
FakeAgentState state = new(new TunnelTable(selected, control.Urls), control.Shape);

// The stand-in for ngrok's edge (FAKE_NGROK_EDGE): the fake's public URLs answer there, through Checks:Resolve. It
// listens before the local API lists any tunnel, as ngrok's edge is up before a tunnel shows: an agent checking a
// URL it just learnt found no edge and reported endpoint-offline for a tunnel that was about to answer.
await using WebApplication? edge = EdgeHost.Build(state);
if (edge is not null)
{
    try
    {
        await edge.StartAsync();
    }
    catch (IOException)
    {
        log.BindFailed(Environment.GetEnvironmentVariable(EdgeHost.AddressVariable) ?? "");
        return 1;
    }
}

await using TcpEdge? tcpEdge = TcpEdge.Create(state);
tcpEdge?.Start();

await using WebApplication app = FakeWebHost.Build(config, state);
if (!config.WebDisabled)
{
    try
    {
        await app.StartAsync();
    }
    catch (IOException)
    {
        log.BindFailed(config.WebAddr);
        return 1;
    }

    log.WebServiceStarted(config.WebAddr);
}

log.SessionEstablished();
log.TunnelsStarted(state.Tunnels.Snapshot());

TaskCompletionSource<int> exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
app.Lifetime.ApplicationStopping.Register(() => exit.TrySetResult(0));
using CancellationTokenSource stopLoop = new();
Task loop = new ControlLoop(controlPath, control, state, log, c => exit.TrySetResult(c)).RunAsync(stopLoop.Token);

int exitCode = await exit.Task;
await stopLoop.CancelAsync();
await loop;
if (!config.WebDisabled)
{
    using CancellationTokenSource stopTimeout = new(TimeSpan.FromSeconds(2));
    await app.StopAsync(stopTimeout.Token);
}

if (edge is not null)
{
    using CancellationTokenSource stopTimeout = new(TimeSpan.FromSeconds(2));
    await edge.StopAsync(stopTimeout.Token);
}

return exitCode;
