using Fleet.Agent.Configuration;
using Fleet.Agent.Logging;
using Fleet.Agent.Ngrok;
using Fleet.Agent.Processes;
using Fleet.Domain.Messages;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Tunnels;

/// <summary>
/// Runs ngrok (restarted with backoff when it exits, its output kept in rotating log files) and reads the
/// public URLs from its local agent API. Log lines are only a trigger to read the API again: the API holds the
/// structured truth. Errors such as ERR_NGROK_108 become provider.state "error" and provider.error.
/// </summary>
internal sealed partial class NgrokTunnelProvider(
    IOptions<AgentOptions> options,
    TimeProvider clock,
    ILoggerFactory loggers) : TunnelProviderBase("ngrok")
{
    private static readonly TimeSpan ApiTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan FastPoll = TimeSpan.FromMilliseconds(500);

    private readonly RefreshTrigger _refresh = new();
    private readonly ILogger _logger = loggers.CreateLogger<NgrokTunnelProvider>();
    private ProcessSupervisor? _supervisor;
    private RotatingLogFile? _log;
    private volatile string? _lastError;
    private volatile string? _version;

    private NgrokSettings Settings => options.Value.Ngrok;

    public override async Task RunAsync(CancellationToken ct)
    {
        Uri apiAddress;
        try
        {
            apiAddress = ResolveApiAddress();
        }
        catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException or InvalidOperationException)
        {
            // A configuration problem does not fix itself: report it and wait, never a crash loop.
            SetError("config", ex.Message);
            await WaitForeverAsync(ct);
            return;
        }

        using var http = NgrokApiClient.CreateHttpClient(apiAddress, ApiTimeout);
        var api = new NgrokApiClient(http);
        if (!Settings.ManageProcess)
        {
            await PollAsync(api, ct);
            return;
        }

        // ngrok prints the authtoken back when it refuses it (ERR_NGROK_105): mask it before anything is written.
        using var log = new RotatingLogFile(Path.Combine(options.Value.LogDirectory, "ngrok.log"), secrets: Secrets());
        _log = log;
        await using var supervisor = new ProcessSupervisor("ngrok", BuildSpec(), log, Settings.RestartMinDelay, Settings.RestartMaxDelay, clock, _logger, options.Value.ProviderLog);
        _supervisor = supervisor;
        supervisor.LineReceived += OnLine;
        supervisor.StateChanged += OnStateChanged;
        await Task.WhenAll(supervisor.RunAsync(ct), PollAsync(api, ct));
        Snapshot.Set(new ProviderSnapshot([], Report("stopped")));
    }

    private Uri ResolveApiAddress()
    {
        if (Settings.ApiAddress is { } configured)
        {
            return new Uri(configured.Contains("://", StringComparison.Ordinal) ? configured : "http://" + configured);
        }

        var config = NgrokConfig.Load(Settings.EffectiveConfigFiles[0]);
        if (config.ValidateWebAddrIsLoopback() is { } error)
        {
            throw new InvalidOperationException(error);
        }

        return config.ApiBaseAddress;
    }

    private List<string> Secrets() =>
        [.. Settings.EffectiveConfigFiles.SelectMany(NgrokConfig.SecretsIn), .. new[] { Environment.GetEnvironmentVariable("NGROK_AUTHTOKEN"), Environment.GetEnvironmentVariable("NGROK_API_KEY") }.OfType<string>()];

    private ProcessSpec BuildSpec()
    {
        List<string> arguments = ["start", "--all"];
        foreach (var file in Settings.EffectiveConfigFiles)
        {
            arguments.AddRange(["--config", file]);
        }

        arguments.AddRange(["--log", "stdout", "--log-format", "json"]);
        return new ProcessSpec(Settings.Binary, arguments, options.Value.StateDirectory, null);
    }

    private void OnLine(string line)
    {
        if (!NgrokLogLine.TryParse(line, out var ev))
        {
            return;
        }

        if (ev.ErrorCode is { } code)
        {
            _lastError = code;
            var summary = NgrokErrors.Find(code)?.Summary ?? ev.Error ?? ev.Message;
            LogNgrokError(code, _log?.Redact(summary) ?? summary);
        }

        if (ev.IsTunnelStarted || ev.IsSessionEstablished || ev.IsSessionLost || ev.IsReconnecting || ev.ErrorCode is not null)
        {
            _refresh.Poke();
        }
    }

    private void OnStateChanged(SupervisedState state)
    {
        if (state == SupervisedState.Running)
        {
            _lastError = null;
        }

        _refresh.Poke();
    }

    private async Task PollAsync(NgrokApiClient api, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var snapshot = await ReadAsync(api, ct);
            Snapshot.Set(snapshot);

            // Right after a start the API answers before the tunnels are up: look again soon.
            var wait = snapshot.Provider.State is "running" && snapshot.Tunnels.Count > 0 ? Settings.PollInterval : FastPoll;
            if (!await _refresh.WaitAsync(wait, ct))
            {
                return;
            }
        }
    }

    private async Task<ProviderSnapshot> ReadAsync(NgrokApiClient api, CancellationToken ct)
    {
        var process = _supervisor?.State ?? SupervisedState.Running;
        if (process is SupervisedState.Crashed or SupervisedState.Stopped or SupervisedState.Starting)
        {
            // A dead ngrok's URLs are dead too; publish none rather than stale ones.
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
            var status = await api.GetStatusAsync(ct);
            _version = status.AgentVersion ?? _version;
            var tunnels = await api.GetTunnelsAsync(ct);
            var state = status.SessionOnline == false ? "reconnecting" : tunnels.Count > 0 ? "running" : "starting";
            return new ProviderSnapshot(
                [.. tunnels.Select(t => new TunnelReport { Name = t.Name, Url = t.PublicUrl, Proto = t.Proto, Upstream = t.Upstream })],
                Report(state));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidDataException or System.Text.Json.JsonException)
        {
            if (ct.IsCancellationRequested)
            {
                throw;
            }

            // The process runs but its API does not answer (yet): keep what we had, marked as starting.
            return new ProviderSnapshot(Current.Tunnels, Report(Current.Tunnels.Count > 0 ? Current.Provider.State ?? "running" : "starting"));
        }
    }

    private ProviderReport Report(string state) => new()
    {
        Kind = "ngrok",
        Version = _version,
        State = state,
        Restarts = _supervisor?.Restarts ?? 0,
        Error = state is "running" or "starting" && _lastError is null ? null : _lastError,
    };

    private void SetError(string what, string message)
    {
        LogConfigError(what, message);
        Snapshot.Set(new ProviderSnapshot([], new ProviderReport { Kind = "ngrok", State = "error", Error = message }));
    }

    private static async Task WaitForeverAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ngrok reported {Code}: {Summary}")]
    private partial void LogNgrokError(string code, string summary);

    [LoggerMessage(Level = LogLevel.Error, Message = "ngrok cannot be started ({What}): {Message}")]
    private partial void LogConfigError(string what, string message);
}
