using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Fleet.Api.SystemTests.EndToEnd;

/// <summary>The agent as a real process (its built binary), configured through a file as on a Pi.</summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public AgentProcess(string workDirectory, object agentSection, IReadOnlyDictionary<string, string>? environment = null)
        : this(workDirectory, environment)
    {
        File.WriteAllText(ConfigFile, JsonSerializer.Serialize(new { Agent = agentSection }));
    }

    private AgentProcess(string workDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        WorkDirectory = workDirectory;
        ConfigFile = Path.Combine(workDirectory, "agent.json");
        Environment = environment ?? new Dictionary<string, string>();
    }

    public string WorkDirectory { get; }

    public string ConfigFile { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process?.HasExited ?? true;

    public int ProcessId => _process?.Id ?? 0;

    public void Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = WorkDirectory };
        start.ArgumentList.Add(RepositoryPaths.AgentAssembly);
        foreach (var argument in arguments.DefaultIfEmpty("run"))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["FLEET_AGENT_CONFIG"] = ConfigFile;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";

        // The agent checks its public URLs by default; test URLs (example.net, random ngrok-free.app names) must not
        // send traffic off this machine. A test that wants checks turns them on and points them at loopback.
        start.Environment["Agent__Checks__Enabled"] = "false";
        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }

        _process = ChildProcess.StartWithOutput(start, Append);
    }

    /// <summary>Runs a short command (status, check) to completion and returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunCommandAsync(params string[] arguments)
    {
        await using var command = new AgentProcess(WorkDirectory, Environment);
        command.Start(arguments);
        await command.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (command._process!.ExitCode, command.Output);
    }

    /// <summary>SIGTERM, as systemd stops a service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>SIGKILL: no goodbye, the broker publishes the will.</summary>
    public void KillHard() => _process!.Kill(entireProcessTree: true);

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process!.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private void Append(string line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
