using System.Collections.Concurrent;
using System.Diagnostics;
using Fleet.Agent.Ngrok;

namespace Fleet.Agent.Tests.Ngrok;

/// <summary>
/// The stand-in ngrok (tests/Fleet.FakeNgrok) run as a real process with a temp config on a free loopback port
/// and a control file. Disposing kills it and deletes the temp directory.
/// </summary>
internal sealed class FakeNgrokProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly HttpClient _http;

    private FakeNgrokProcess(Process process, string directory, Uri apiBaseAddress)
    {
        _process = process;
        _directory = directory;
        ApiAddress = apiBaseAddress.Authority;
        _http = NgrokApiClient.CreateHttpClient(apiBaseAddress, TimeSpan.FromSeconds(5));
        Api = new NgrokApiClient(_http);
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
    }

    public static string BinaryPath =>
        Path.Combine(RepositoryPaths.Root, "tests", "Fleet.FakeNgrok", "bin", RepositoryPaths.Configuration, "net10.0", "ngrok");

    public NgrokApiClient Api { get; }

    /// <summary>The local API's address:port (web_addr), for an agent that reads it (Ngrok:ApiAddress).</summary>
    public string ApiAddress { get; }

    public string ControlPath => Path.Combine(_directory, "control.json");

    /// <summary>Everything written to stdout and stderr so far, in order.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <param name="tunnelsYaml">The `tunnels:` section of a v2 config; web_addr is added.</param>
    /// <param name="control">Initial control file contents, or null for none.</param>
    /// <param name="environment">Extra environment, e.g. FAKE_NGROK_EDGE for the edge stand-in.</param>
    public static async Task<FakeNgrokProcess> StartAsync(string tunnelsYaml, string? control = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(BinaryPath))
        {
            throw new FileNotFoundException("The stand-in ngrok is not built; build tests/Fleet.FakeNgrok", BinaryPath);
        }

        for (int attempt = 1; ; attempt++)
        {
            FakeNgrokProcess fake = Launch(tunnelsYaml, control, environment);
            try
            {
                await Eventually.GetAsync(fake.ApiAnswersAsync, up => up || fake.HasExited, "the stand-in's API", StartTimeout);
                if (!fake.HasExited)
                {
                    return fake;
                }

                bool portTaken = fake.Output.Any(l => l.Contains("address already in use", StringComparison.Ordinal));
                if (!portTaken || attempt >= 3)
                {
                    throw new InvalidOperationException($"The stand-in ngrok exited with {fake.ExitCode}: {string.Join('\n', fake.Output)}");
                }
            }
            catch
            {
                await fake.DisposeAsync();
                throw;
            }

            await fake.DisposeAsync();
        }
    }

    /// <summary>Replaces the control file in one step, so the 100 ms poll never reads half of it.</summary>
    public async Task WriteControlAsync(string json)
    {
        string temp = ControlPath + ".tmp";
        await File.WriteAllTextAsync(temp, json);
        File.Move(temp, ControlPath, overwrite: true);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using CancellationTokenSource deadline = new(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public IEnumerable<NgrokLogEvent> Events() =>
        Output.Select(l => NgrokLogLine.TryParse(l, out NgrokLogEvent? ev) ? ev : null).OfType<NgrokLogEvent>();

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using CancellationTokenSource deadline = new(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        finally
        {
            _process.Dispose();
            _http.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static FakeNgrokProcess Launch(string tunnelsYaml, string? control, IReadOnlyDictionary<string, string>? environment)
    {
        string directory = Directory.CreateTempSubdirectory("fleet-fake-ngrok-").FullName;
        int port = FreePort.Next();
        string config = Path.Combine(directory, "ngrok.yml");
        File.WriteAllText(config, $"version: 2\nweb_addr: 127.0.0.1:{port}\n{tunnelsYaml}");
        string controlPath = Path.Combine(directory, "control.json");
        if (control is not null)
        {
            File.WriteAllText(controlPath, control);
        }

        ProcessStartInfo start = new(BinaryPath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "start", "--all", "--config", config, "--log", "stdout", "--log-format", "json" },
            Environment = { ["FAKE_NGROK_CONTROL"] = controlPath },
        };
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        Process process = new() { StartInfo = start };
        FakeNgrokProcess fake = new(process, directory, new Uri($"http://127.0.0.1:{port}/"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return fake;
    }

    private async Task<bool> ApiAnswersAsync()
    {
        try
        {
            await Api.GetStatusAsync(CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
