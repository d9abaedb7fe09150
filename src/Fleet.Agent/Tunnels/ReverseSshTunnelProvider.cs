using System.Globalization;
using Fleet.Agent.Configuration;
using Fleet.Agent.Logging;
using Fleet.Agent.Processes;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tunnels;

/// <summary>
/// The classic alternative for people with a server of their own: a supervised <c>ssh -N -R</c> that exits (and is
/// restarted with backoff) as soon as the forward fails or the relay stops answering keep-alives.
/// </summary>
internal sealed class ReverseSshTunnelProvider(IOptions<AgentOptions> options, TimeProvider clock, ILoggerFactory loggers) : TunnelProviderBase("reverse-ssh")
{
    private ProcessSupervisor? _supervisor;

    private ReverseSshSettings Settings => options.Value.ReverseSsh;

    public override async Task RunAsync(CancellationToken ct)
    {
        using var log = new RotatingLogFile(Path.Combine(options.Value.LogDirectory, "ssh.log"));
        await using var supervisor = new ProcessSupervisor(
            "ssh", BuildSpec(Settings), log, Settings.RestartMinDelay, Settings.RestartMaxDelay, clock, loggers.CreateLogger<ReverseSshTunnelProvider>());
        _supervisor = supervisor;
        supervisor.StateChanged += Publish;
        Publish(SupervisedState.Starting);
        await supervisor.RunAsync(ct);
        Publish(SupervisedState.Stopped);
    }

    internal static ProcessSpec BuildSpec(ReverseSshSettings ssh)
    {
        List<string> arguments =
        [
            "-N",
            "-o", "ExitOnForwardFailure=yes",
            "-o", "ServerAliveInterval=15",
            "-o", "ServerAliveCountMax=3",
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=accept-new",
            "-p", ssh.RelayPort.ToString(CultureInfo.InvariantCulture),
        ];
        if (ssh.IdentityFile is { } identity)
        {
            arguments.AddRange(["-i", identity]);
        }

        arguments.AddRange(["-R", $"{ssh.RemotePort}:localhost:{ssh.LocalPort}", $"{ssh.User}@{ssh.Relay}"]);
        return new ProcessSpec(ssh.Binary, arguments, null, null);
    }

    private void Publish(SupervisedState state)
    {
        var url = Settings.PublicUrl!;
        var running = state == SupervisedState.Running;
        IReadOnlyList<TunnelReport> tunnels = running
            ? [new TunnelReport { Name = Settings.TunnelName, Url = url, Proto = new Uri(url).Scheme, Upstream = $"localhost:{Settings.LocalPort}" }]
            : [];
        Snapshot.Set(new ProviderSnapshot(tunnels, new ProviderReport
        {
            Kind = "reverse-ssh",
            State = state.ToString().ToLowerInvariant(),
            Restarts = _supervisor?.Restarts ?? 0,
            Error = state == SupervisedState.Crashed && _supervisor?.LastExitCode is { } code ? $"ssh exited with code {code}" : null,
        }));
    }
}
