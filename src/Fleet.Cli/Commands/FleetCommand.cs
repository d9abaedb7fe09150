using System.CommandLine;
using Fleet.Cli.Config;
using Fleet.Cli.Errors;

namespace Fleet.Cli.Commands;

/// <summary>The command tree, and the one place where a <see cref="CliException"/> becomes a line on stderr and an exit code.</summary>
internal static class FleetCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var store = ConfigStore.FromEnvironment();
        RootCommand root = new("fleet: where every Fleet detector can be reached right now, and ssh into it")
        {
            LoginCommand.Create(store),
            ListCommand.Create(store),
            ShowCommand.Create(store),
            OpenCommand.Create(store),
            HistoryCommand.Create(store),
            WatchCommand.Create(store),
            SshCommand.Create(store, args),
            ProxyCommand.Create(store),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync($"fleet: {error.Message}");
            }

            return ExitCodes.Usage;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CliException ex)
        {
            await Console.Error.WriteLineAsync($"fleet: {ex.Message}");
            return ex.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or HttpRequestException)
        {
            // Nothing the user could act on had a better message: still one line, never a stack trace.
            await Console.Error.WriteLineAsync($"fleet: {ex.Message}");
            return ExitCodes.Failure;
        }
    }
}
