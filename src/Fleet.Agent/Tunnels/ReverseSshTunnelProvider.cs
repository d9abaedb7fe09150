using System.Globalization;
using System.Threading.Channels;
using Fleet.Agent.Configuration;
using Fleet.Agent.Logging;
using Fleet.Agent.Processes;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tunnels;

/// <summary>
/// The classic alternative for people with a server of their own: a supervised <c>ssh -N -R</c> to a relay, restarted
/// with backoff when it exits (ExitOnForwardFailure: a refused forward ends it at once; keep-alives end it when the relay
/// stops answering). It is <c>running</c> only once ssh says the relay accepted the forward and the relay's port answers
/// from here (<see cref="ReverseSshProbe"/>); until then <c>starting</c>, and a refusal is told in words.
/// </summary>
internal sealed partial class ReverseSshTunnelProvider(IOptions<AgentOptions> options, TimeProvider clock, ILoggerFactory loggers)
    : TunnelProviderBase("reverse-ssh")
{
    private readonly ILogger _logger = loggers.CreateLogger<ReverseSshTunnelProvider>();
    private readonly Channel<int> _probeRequests = Channel.CreateBounded<int>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Lock _gate = new();
    private ProcessSupervisor? _supervisor;
    private SupervisedState _process = SupervisedState.Starting;
    private int _run;
    private bool _forwarded;
    private bool _reachable;
    private string? _runError;
    private string? _runOther;
    private string? _error;

    private ReverseSshSettings Settings => options.Value.ReverseSsh;

    public override async Task RunAsync(CancellationToken ct)
    {
        using var log = new RotatingLogFile(Path.Combine(options.Value.LogDirectory, "ssh.log"));
        await using var supervisor = new ProcessSupervisor(
            "ssh", BuildSpec(Settings, Settings.EffectiveKnownHostsFile(options.Value.StateDirectory)), log, Settings.RestartMinDelay, Settings.RestartMaxDelay, clock, _logger, options.Value.ProviderLog);
        _supervisor = supervisor;
        supervisor.LineReceived += OnLine;
        supervisor.StateChanged += OnStateChanged;
        Publish();
        using var stopProbing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var probing = ProbeLoopAsync(new ReverseSshProbe(Settings, clock), stopProbing.Token);
        await supervisor.RunAsync(ct);
        await stopProbing.CancelAsync();
        await probing;
        OnStateChanged(SupervisedState.Stopped);
    }

    internal static ProcessSpec BuildSpec(ReverseSshSettings ssh, string knownHostsFile)
    {
        List<string> arguments =
        [
            "-N",

            // debug1 is the only level at which ssh says that the relay accepted the forward; a handful of lines per
            // connection and one per keep-alive, all in ssh.log.
            "-v",
            "-o", "ExitOnForwardFailure=yes",
            "-o", "ServerAliveInterval=15",
            "-o", "ServerAliveCountMax=3",
            "-o", "ConnectTimeout=15",
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=accept-new",
            "-o", "UserKnownHostsFile=" + knownHostsFile,
            "-p", ssh.RelayPort.ToString(CultureInfo.InvariantCulture),
        ];
        if (ssh.IdentityFile is { } identity)
        {
            arguments.AddRange(["-i", identity, "-o", "IdentitiesOnly=yes"]);
        }

        var bind = ssh.RemoteBindAddress.Contains(':', StringComparison.Ordinal) ? $"[{ssh.RemoteBindAddress}]" : ssh.RemoteBindAddress;
        arguments.AddRange(["-R", $"{bind}:{ssh.RemotePort}:localhost:{ssh.LocalPort}", $"{ssh.User}@{ssh.Relay}"]);
        return new ProcessSpec(ssh.Binary, arguments, null, null);
    }

    private void OnLine(string line)
    {
        var parsed = ReverseSshOutput.Parse(line);
        if (parsed.Kind == SshLineKind.None)
        {
            return;
        }

        lock (_gate)
        {
            if (parsed.Kind == SshLineKind.Error)
            {
                // The first reason is the cause; what follows ("Connection closed") is its consequence.
                _runError ??= parsed.Text;
                LogSshError(parsed.Text!);
                return;
            }

            if (parsed.Kind == SshLineKind.Other)
            {
                _runOther ??= parsed.Text;
                return;
            }

            if (_process == SupervisedState.Running && !_forwarded)
            {
                _forwarded = true;
                if (Settings.Probe)
                {
                    _probeRequests.Writer.TryWrite(_run);
                    return;
                }

                _reachable = true;
                _error = null;
                Publish();
            }
        }
    }

    private void OnStateChanged(SupervisedState state)
    {
        lock (_gate)
        {
            _process = state;
            _forwarded = false;
            _reachable = false;
            switch (state)
            {
                case SupervisedState.Running:
                    _run++;
                    _runError = null;
                    _runOther = null;
                    break;
                case SupervisedState.Crashed:
                    var exit = _supervisor?.LastExitCode is { } code ? $"ssh exited with code {code}" : $"{Settings.Binary} could not be started";
                    _error = (_runError ?? _runOther) is { } reason ? $"{reason} ({exit})" : exit;
                    break;
                case SupervisedState.Stopped:
                    _error = null;
                    break;
            }

            Publish();
        }
    }

    private async Task ProbeLoopAsync(ReverseSshProbe probe, CancellationToken ct)
    {
        try
        {
            while (await _probeRequests.Reader.WaitToReadAsync(ct))
            {
                if (_probeRequests.Reader.TryRead(out var run))
                {
                    await ProbeRunAsync(probe, run, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Checks the relay's port until it answers, with backoff, for as long as this run of ssh lasts.</summary>
    private async Task ProbeRunAsync(ReverseSshProbe probe, int run, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var failure = await probe.CheckAsync(ct);
            lock (_gate)
            {
                if (run != _run || _process != SupervisedState.Running)
                {
                    return;
                }

                _reachable = failure is null;
                _error = failure is null ? null : $"the relay accepted the forward but {probe.Target} does not answer from here ({failure}): check the relay's firewall and GatewayPorts clientspecified";
                Publish();
            }

            if (failure is null)
            {
                LogReachable(probe.Target);
                return;
            }

            LogUnreachable(probe.Target, failure);
            if (await probe.WaitAsync(attempt, _probeRequests.Reader, ct))
            {
                // A newer run of ssh asked for a check: the loop takes it.
                return;
            }
        }
    }

    /// <summary>Called under <see cref="_gate"/>, so snapshots are set in the order of the changes.</summary>
    private void Publish()
    {
        var state = _process switch
        {
            SupervisedState.Stopped => "stopped",
            SupervisedState.Crashed => "crashed",
            SupervisedState.Running when _reachable => "running",
            _ => "starting",
        };
        var url = Settings.EffectivePublicUrl;
        IReadOnlyList<TunnelReport> tunnels = state == "running" && url is not null
            ? [new TunnelReport { Name = Settings.TunnelName, Url = url, Proto = Settings.PublicUrl is null ? Settings.EffectiveProto : new Uri(url).Scheme, Upstream = Upstream }]
            : [];
        Snapshot.Set(new ProviderSnapshot(tunnels, new ProviderReport
        {
            Kind = "reverse-ssh",
            State = state,
            Restarts = _supervisor?.Restarts ?? 0,
            Error = state == "running" ? null : _error,
        }));
    }

    private string Upstream => Settings.EffectiveProto == "http" ? $"http://localhost:{Settings.LocalPort}" : $"localhost:{Settings.LocalPort}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "ssh: {Reason}")]
    private partial void LogSshError(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The reverse tunnel is up: {Target} answers through the relay")]
    private partial void LogReachable(string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The relay accepted the forward but {Target} does not answer: {Failure}")]
    private partial void LogUnreachable(string target, string failure);
}
