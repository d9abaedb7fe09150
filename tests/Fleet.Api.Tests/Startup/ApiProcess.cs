using System.Diagnostics;
using System.Text;
using Fleet.Api.Tests.Support;

namespace Fleet.Api.Tests.Startup;

/// <summary>The API started as a real process, as the README's first command starts it.</summary>
internal sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ApiProcess(Process process, string contentRoot, int httpPort, int mqttPort)
    {
        _process = process;
        ContentRoot = contentRoot;
        HttpPort = httpPort;
        MqttPort = mqttPort;
    }

    public string ContentRoot { get; }

    public int HttpPort { get; }

    public int MqttPort { get; }

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

    public bool HasExited => _process.HasExited;

    /// <summary>The process id, e.g. for <c>prlimit --pid</c>.</summary>
    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

    public static ApiProcess Start(string environment, params string[] extraArguments)
    {
        var contentRoot = Directory.CreateTempSubdirectory("fleet-api-process-").FullName;
        var httpPort = Infrastructure.FreePort.Next();
        var mqttPort = Infrastructure.FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = contentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepositoryPaths.ApiAssembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{httpPort}");
        start.ArgumentList.Add($"--Mqtt:Embedded:Port={mqttPort}");
        start.ArgumentList.Add("--Mqtt:Embedded:BindAddress=127.0.0.1");
        foreach (var argument in extraArguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["DOTNET_ENVIRONMENT"] = environment;

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the API");
        var api = new ApiProcess(process, contentRoot, httpPort, mqttPort);
        process.OutputDataReceived += (_, e) => api.Append(e.Data);
        process.ErrorDataReceived += (_, e) => api.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return api;
    }

    public Task WaitForOutputAsync(string text) =>
        Eventually.TrueAsync(
            () => Task.FromResult(Output.Contains(text, StringComparison.Ordinal) || HasExited),
            $"the API prints '{text}'",
            TimeSpan.FromSeconds(60));

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(ContentRoot, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
