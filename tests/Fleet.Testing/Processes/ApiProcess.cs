using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

using Fleet.Testing.Network;

namespace Fleet.Testing.Processes;

/// <summary>
/// The API's built fleet-api.dll (<see cref="RepositoryPaths.ApiAssembly"/>) as a real process in a temporary content
/// root of its own, so a test can read what it writes there, SIGKILL it, SIGTERM it and start it again on the same
/// port with the same configuration (and so the same MQTT identity and broker session). Its output is kept for
/// assertions and failure messages.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly ApiProcessOptions _options;
    private readonly Dictionary<string, string?> _values;
    private readonly StringBuilder _log = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly PeakRss _peakRss = new();
    private Process? _process;
    private int _disposed;

    private ApiProcess(ApiProcessOptions options, string directory, int port)
    {
        _options = options;
        ContentRoot = directory;
        HttpPort = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

        // Inert for the API: it only puts the temp folder on the command line, for the orphan guard to recognise the process.
        _values = new Dictionary<string, string?> { ["FaultTest:Directory"] = directory };
        foreach (var (key, value) in options.Settings)
        {
            _values[key] = value;
        }
    }

    /// <summary>A label for log lines ("api-1", "api-2").</summary>
    public string Name => _options.Name;

    /// <summary>The working directory: the API's content root, where Development keeps its data/ folder.</summary>
    public string ContentRoot { get; }

    public int HttpPort { get; }

    public Uri BaseAddress { get; }

    /// <summary>The embedded broker's port (Mqtt:Embedded:Port) as configured; 0 when none was given.</summary>
    public int MqttPort =>
        _values.TryGetValue("Mqtt:Embedded:Port", out var port) && port is not null ? int.Parse(port, CultureInfo.InvariantCulture) : 0;

    /// <summary>The current process's id; null while it is not running.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    public bool HasExited => _process?.HasExited ?? true;

    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>How many times a process was started (1 after <see cref="StartAsync"/>).</summary>
    public int Starts { get; private set; }

    /// <summary>The largest peak resident set (VmHWM) seen over every run so far, in MB.</summary>
    public double PeakRssMb => _peakRss.Megabytes;

    /// <summary>Everything every run printed, each line prefixed with the name and the run number.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts the API; with <see cref="ApiProcessOptions.WaitUntilLive"/>, waits until it answers HTTP (not until it is ready: the database may be down).</summary>
    public static async Task<ApiProcess> StartAsync(ApiProcessOptions options, CancellationToken ct = default)
    {
        if (!File.Exists(RepositoryPaths.ApiAssembly))
        {
            throw new InvalidOperationException($"{RepositoryPaths.ApiAssembly} is missing: build src/Fleet.Api (the test project builds it).");
        }

        var directory = Directory.CreateTempSubdirectory("fleet-api-process-").FullName;
        var api = new ApiProcess(options, directory, FreePort.Next());
        try
        {
            // If the test host dies, kill the API it leaves behind: only a process whose command line names this folder.
            await OrphanGuard.WatchPidFileAsync(directory, "api.pid");
            await api.LaunchAsync(ct);
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    public HttpClient CreateWithKey(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>Waits until /health/ready answers 200 (database reachable, broker connected and subscribed).</summary>
    public async Task WaitReadyAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    ct.ThrowIfCancellationRequested();
                    ThrowIfExited();
                    return await StatusAsync(http, "/health/ready") == HttpStatusCode.OK;
                },
                $"{Name} ready",
                timeout ?? StartTimeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}{Environment.NewLine}{Name} log tail:{Environment.NewLine}{LogTail(40)}", ex);
        }
    }

    /// <summary>Waits until the output holds <paramref name="text"/> or the process has exited (the caller checks which).</summary>
    public Task WaitForOutputAsync(string text) =>
        Eventually.TrueAsync(
            () => Task.FromResult(Log.Contains(text, StringComparison.Ordinal) || HasExited),
            $"{Name} prints '{text}'",
            StartTimeout);

    /// <summary>SIGKILL: no clean MQTT disconnect, so the broker keeps the session and publishes the API's will.</summary>
    public Task KillAsync(CancellationToken ct = default) => StopAsync(graceful: false, ct);

    /// <summary>SIGTERM: the host stops its services, says offline and disconnects cleanly.</summary>
    public Task StopAsync(CancellationToken ct = default) => StopAsync(graceful: true, ct);

    /// <summary>Starts the same configuration again (same port, same MQTT identity) after a stop, a kill or a self-kill.</summary>
    public async Task StartAgainAsync(CancellationToken ct = default)
    {
        if (!HasExited)
        {
            throw new InvalidOperationException($"{Name} is still running (pid {ProcessId}).");
        }

        await LaunchAsync(ct);
    }

    /// <summary>Changes one configuration value for the next start (null removes it), e.g. to switch a fault point off.</summary>
    public void Configure(string key, string? value) => _values[key] = value;

    /// <summary>SIGTERM (or SIGKILL with <paramref name="kill"/>), then a new process with the same configuration.</summary>
    public async Task RestartAsync(bool kill = false, CancellationToken ct = default)
    {
        await StopAsync(graceful: !kill, ct);
        await LaunchAsync(ct);
    }

    public async Task WaitForExitAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} was never started.");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} (pid {process.Id}) did not exit within {timeout.TotalSeconds:0} s. Log tail:{Environment.NewLine}{LogTail(40)}");
        }
    }

    public string LogTail(int lines)
    {
        var all = Log.Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync(graceful: false, CancellationToken.None);
        await _peakRss.DisposeAsync();
        try
        {
            Directory.Delete(ContentRoot, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private async Task LaunchAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = ContentRoot };
            start.ArgumentList.Add(RepositoryPaths.ApiAssembly);
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));
            foreach (var (key, value) in _values)
            {
                if (value is not null)
                {
                    start.ArgumentList.Add($"--{key}={value}");
                }
            }

            foreach (var (key, value) in _options.Secrets)
            {
                // Secrets go through the environment, not the command line that `ps` shows to every user.
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }

            start.Environment["ASPNETCORE_ENVIRONMENT"] = _options.Environment;
            start.Environment["DOTNET_ENVIRONMENT"] = _options.Environment;

            // A home directory of its own, new for every start: like a container (re)started, or another machine,
            // nothing the API keeps there (ASP.NET Core's default key ring) survives or is shared.
            var home = Directory.CreateDirectory(Path.Combine(ContentRoot, $"home-{Starts + 1}")).FullName;
            start.Environment["HOME"] = home;

            // Plain single-line console output: the log is read by people when a fault test fails.
            start.Environment["Logging__Console__FormatterName"] = "simple";
            start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
            start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
            start.Environment["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true";

            var run = ++Starts;
            var process = ChildProcess.StartWithOutput(start, line => Append(run, line));
            _process = process;
            await File.WriteAllTextAsync(Path.Combine(ContentRoot, "api.pid"), process.Id.ToString(CultureInfo.InvariantCulture), ct);
            _peakRss.Track(process);
            if (!_options.WaitUntilLive)
            {
                return;
            }

            using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            var stopwatch = Stopwatch.StartNew();
            while (await StatusAsync(http, "/health/live") != HttpStatusCode.OK)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{Name} exited with {process.ExitCode} while starting. Log:{Environment.NewLine}{LogTail(60)}");
                }

                if (stopwatch.Elapsed > StartTimeout)
                {
                    throw new TimeoutException($"{Name} did not answer /health/live within {StartTimeout.TotalSeconds:0} s. Log:{Environment.NewLine}{LogTail(60)}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StopAsync(bool graceful, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_process is { } process)
            {
                _peakRss.Record(process);
                if (!process.HasExited)
                {
                    await ChildProcess.StopAsync(process, graceful, StopTimeout);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private void ThrowIfExited()
    {
        if (_process is { HasExited: true } p)
        {
            throw new InvalidOperationException($"{Name} exited with {p.ExitCode}. Log tail:{Environment.NewLine}{LogTail(40)}");
        }
    }

    private void Append(int run, string line)
    {
        lock (_log)
        {
            _log.Append('[').Append(Name).Append('#').Append(run).Append("] ").AppendLine(line);
        }
    }

    private static async Task<HttpStatusCode?> StatusAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
