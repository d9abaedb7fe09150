using System.Diagnostics;
using System.Text;

namespace Fleet.Cli.Tests;

/// <summary>
/// The CLI as an operator runs it: <c>dotnet fleet.dll …</c> in its own process, with its own config home
/// (<c>XDG_CONFIG_HOME</c>) and optional standard input. Bounded in time; what it printed comes back for assertions.
/// </summary>
public sealed class FleetCli(string configHome)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public string ConfigHome { get; } = configHome;

    public string ConfigFile => Path.Combine(ConfigHome, "fleet", "config.json");

    /// <summary>The command line that runs the CLI, for ssh's ProxyCommand (run by /bin/sh).</summary>
    public static string ShellCommand => $"dotnet '{RepositoryPaths.CliAssembly}'";

    public static FleetCli InNewHome() => new(Directory.CreateTempSubdirectory("fleet-cli-home-").FullName);

    public async Task<CliResult> RunAsync(string[] arguments, CancellationToken ct, string? input = null) =>
        await RunAsync("dotnet", [RepositoryPaths.CliAssembly, .. arguments], ct, input);

    /// <summary>Any program (ssh) with this CLI's config home in its environment, as a ProxyCommand it starts needs.</summary>
    public async Task<CliResult> RunAsync(string program, string[] arguments, CancellationToken ct, string? input = null)
    {
        ProcessStartInfo start = new(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["XDG_CONFIG_HOME"] = ConfigHome;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(new StringBuilder(input), ct);
        }

        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{ChildProcess.Describe(program, arguments)} did not exit within {Timeout.TotalSeconds} s");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }

    /// <summary><c>fleet login</c> with the key on standard input; fails the test unless it worked.</summary>
    public async Task LoginAsync(Uri endpoint, string key, CancellationToken ct)
    {
        var result = await RunAsync(["login", endpoint.ToString()], ct, key + "\n");
        Assert.True(result.ExitCode == 0, $"fleet login: {result}");
    }
}

public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}; stdout: {Output}; stderr: {Error}";
}
