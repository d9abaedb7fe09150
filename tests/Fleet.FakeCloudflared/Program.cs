using System.Net;
using Fleet.FakeCloudflared;

// A stand-in for cloudflared's quick tunnels: its command line, log lines and metrics server, steered by a control file.
FakeCommandLine commandLine = FakeCommandLine.Parse(args);
if (commandLine.Command == "version")
{
    Console.Out.WriteLine($"cloudflared version {CloudflaredLog.Version} (built 2026-08-14-0000 UTC)");
    return 0;
}

CloudflaredLog log = new(Console.Error);
if (commandLine.Command != "tunnel" || (commandLine.Url is null && !commandLine.HelloWorld))
{
    log.LastWords("the stand-in cloudflared only runs quick tunnels: cloudflared tunnel --url <service> [--metrics ip:port]");
    return 1;
}

string? controlPath = Environment.GetEnvironmentVariable(ControlFile.EnvironmentVariable);
ControlFile control = ControlFile.TryRead(controlPath) ?? ControlFile.Default;
if (control.Crash)
{
    return control.ExitCode;
}

log.Start();
if (control.RateLimited)
{
    log.RateLimited();
    return 1;
}

// Without --metrics, cloudflared takes the first free port of 20241-20245; the stand-in only takes what it is given.
string metrics = commandLine.Metrics ?? "127.0.0.1:20241";
if (!IPEndPoint.TryParse(metrics, out IPEndPoint? metricsAddress))
{
    log.LastWords($"Error opening metrics server listener: listen tcp: address {metrics}: missing port in address");
    return 1;
}

TunnelState state = new(control.Hostname ?? TunnelState.RandomHostname(), commandLine.Url ?? "http://localhost:8080");
log.Created(state.Hostname, state.Url, metrics);
await using WebApplication metricsServer = MetricsHost.Build(metricsAddress, state, Guid.NewGuid());
try
{
    await metricsServer.StartAsync();
}
catch (IOException ex)
{
    log.MetricsBindFailed(metrics, ex.InnerException?.Message ?? ex.Message);
    return 1;
}

await using WebApplication? edge = EdgeHost.Build(state, log);
if (edge is not null)
{
    await edge.StartAsync();
}

TaskCompletionSource<int> exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
metricsServer.Lifetime.ApplicationStopping.Register(() => exit.TrySetResult(0));
using CancellationTokenSource stopLoop = new();
Task loop = new ControlLoop(controlPath, control, state, log, code => exit.TrySetResult(code)).RunAsync(stopLoop.Token);

int exitCode = await exit.Task;
await stopLoop.CancelAsync();
await loop;
using CancellationTokenSource stopTimeout = new(TimeSpan.FromSeconds(2));
await metricsServer.StopAsync(stopTimeout.Token);
if (edge is not null)
{
    await edge.StopAsync(stopTimeout.Token);
}

return exitCode;
