using Fleet.Agent.Cloudflared;
using Fleet.Agent.Configuration;
using Fleet.Agent.Logging;
using Fleet.Agent.Processes;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tunnels;

/// <summary>
/// Runs a Cloudflare quick tunnel (<c>cloudflared tunnel --url …</c>; restarted with backoff, output in rotating log
/// files) and reads its public URL from cloudflared's metrics server: <c>/quicktunnel</c> names the hostname,
/// <c>/ready</c> says whether the edge has a connection. It is <c>running</c> only when both hold. Every start of
/// cloudflared is a new quick tunnel with a new URL, published like ngrok's. Log lines are triggers to read the
/// metrics server again, and the source of the error words (<see cref="CloudflaredLogLine"/>).
/// </summary>
internal sealed partial class CloudflaredTunnelProvider(
    IOptions<AgentOptions> options,
    TimeProvider clock,
    ILoggerFactory loggers) : TunnelProviderBase("cloudflared")
{
    private const string Kind = "cloudflared";
    private static readonly TimeSpan MetricsTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan FastPoll = TimeSpan.FromMilliseconds(500);

    private readonly RefreshTrigger _refresh = new();
    private readonly ILogger _logger = loggers.CreateLogger<CloudflaredTunnelProvider>();
    private ProcessSupervisor? _supervisor;
    private RotatingLogFile? _log;
    private volatile string? _lastError;
    private volatile string? _version;

    // What belongs to one run of cloudflared: a restart is a new quick tunnel, so nothing carries over.
    private volatile RunFacts _run = new(0, null, false);

    private CloudflaredSettings Settings => options.Value.Cloudflared;

    public override async Task RunAsync(CancellationToken ct)
    {
        using var http = CloudflaredMetricsClient.CreateHttpClient(new Uri($"http://{Settings.MetricsAddress}/"), MetricsTimeout);
        var metrics = new CloudflaredMetricsClient(http);

        // A quick tunnel has no credentials, but a TUNNEL_TOKEN in the service's environment must not reach the log.
        using var log = new RotatingLogFile(Path.Combine(options.Value.LogDirectory, "cloudflared.log"), secrets: Secrets());
        _log = log;
        await using var supervisor = new ProcessSupervisor(Kind, BuildSpec(Settings, options.Value.StateDirectory), log, Settings.RestartMinDelay, Settings.RestartMaxDelay, clock, _logger, options.Value.ProviderLog);
        _supervisor = supervisor;
        supervisor.LineReceived += OnLine;
        supervisor.StateChanged += OnStateChanged;
        await Task.WhenAll(supervisor.RunAsync(ct), PollAsync(metrics, ct));
        Snapshot.Set(new ProviderSnapshot([], Report("stopped")));
    }

    /// <summary>
    /// The documented quick tunnel command (Cloudflare's TryCloudflare docs) with the metrics server pinned to loopback,
    /// no self-update (the package manager updates it), and info-level logs only.
    /// </summary>
    internal static ProcessSpec BuildSpec(CloudflaredSettings settings, string? workingDirectory = null)
    {
        List<string> arguments =
        [
            "tunnel",
            "--no-autoupdate",
            "--metrics", settings.MetricsAddress,
            "--loglevel", "info",
            "--transport-loglevel", "warn",
        ];
        if (settings.Protocol is { } protocol)
        {
            arguments.AddRange(["--protocol", protocol]);
        }

        arguments.AddRange(["--url", settings.Url]);
        return new ProcessSpec(settings.Binary, arguments, workingDirectory, null);
    }

    private static List<string> Secrets() => [.. new[] { Environment.GetEnvironmentVariable("TUNNEL_TOKEN") }.OfType<string>()];

    private void OnLine(string line)
    {
        var ev = CloudflaredLogLine.Parse(line);
        switch (ev.Kind)
        {
            case CloudflaredLogKind.Other:
                return;
            case CloudflaredLogKind.Version:
                _version = ev.Version;
                return;
            case CloudflaredLogKind.Error:
                var words = _log?.Redact(ev.Words!) ?? ev.Words!;
                if (words != _lastError)
                {
                    LogCloudflaredError(words);
                }

                _lastError = words;
                break;
        }

        _refresh.Poke();
    }

    private void OnStateChanged(SupervisedState state)
    {
        if (state == SupervisedState.Running)
        {
            _run = new RunFacts(_run.Number + 1, null, false);
        }

        _refresh.Poke();
    }

    private async Task PollAsync(CloudflaredMetricsClient metrics, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var snapshot = await ReadAsync(metrics, ct);
            Snapshot.Set(snapshot);

            // Between the start and the first connection the answers change within seconds: look again soon.
            var wait = snapshot.Provider.State is "running" ? Settings.PollInterval : FastPoll;
            if (!await _refresh.WaitAsync(wait, ct))
            {
                return;
            }
        }
    }

    private async Task<ProviderSnapshot> ReadAsync(CloudflaredMetricsClient metrics, CancellationToken ct)
    {
        var process = _supervisor?.State ?? SupervisedState.Starting;
        var run = _run;
        if (process is not SupervisedState.Running)
        {
            // A dead quick tunnel's URL is dead for good: publish none rather than a stale one.
            var state = process switch
            {
                SupervisedState.Crashed => _lastError is null ? "crashed" : "error",
                SupervisedState.Stopped => "stopped",
                _ => "starting",
            };
            return new ProviderSnapshot([], Report(state));
        }

        try
        {
            // The hostname is fixed for the life of the process: read it once per run.
            var url = run.Url ?? await metrics.GetQuickTunnelUrlAsync(ct);
            if (url is null)
            {
                return new ProviderSnapshot([], Report("starting"));
            }

            var connected = await metrics.GetReadyConnectionsAsync(ct) is not 0;
            run = Remember(run, url, connected);
            if (connected)
            {
                _lastError = null;
            }

            // Once connected, a lost connection keeps the URL: cloudflared reconnects the same tunnel by itself.
            var state = connected ? "running" : run.WasConnected ? "reconnecting" : "starting";
            return new ProviderSnapshot(run.WasConnected ? [Tunnel(url)] : [], Report(state));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidDataException)
        {
            if (ct.IsCancellationRequested)
            {
                throw;
            }

            // The process runs but its metrics server does not answer (yet): keep what we had, marked as starting.
            return new ProviderSnapshot(Current.Tunnels, Report(Current.Tunnels.Count > 0 ? Current.Provider.State ?? "running" : "starting"));
        }
    }

    /// <summary>Records what this run learned, unless cloudflared restarted meanwhile (then the answer was the old run's).</summary>
    private RunFacts Remember(RunFacts read, string url, bool connected)
    {
        var next = read with { Url = url, WasConnected = read.WasConnected || connected };
        return Interlocked.CompareExchange(ref _run, next, read) == read ? next : read;
    }

    private TunnelReport Tunnel(string url) => new() { Name = Settings.TunnelName, Url = url, Proto = "https", Upstream = Settings.Url };

    private ProviderReport Report(string state) => new()
    {
        Kind = Kind,
        Version = _version,
        State = state,
        Restarts = _supervisor?.Restarts ?? 0,
        Error = state switch
        {
            "running" => null,
            "crashed" when _lastError is null => _supervisor?.LastExitCode is { } code ? $"cloudflared exited with code {code}" : $"cloudflared could not be started ({Settings.Binary})",
            _ => _lastError,
        },
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "cloudflared: {Words}")]
    private partial void LogCloudflaredError(string words);

    private sealed record RunFacts(int Number, string? Url, bool WasConnected);
}
