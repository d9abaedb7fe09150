using System.CommandLine;
using System.Text;
using Fleet.Cli.Api;
using Fleet.Cli.Config;
using Fleet.Cli.Errors;

namespace Fleet.Cli.Commands;

/// <summary>
/// <c>fleet login ENDPOINT</c>: reads the API key from standard input (piped) or a prompt that does not echo, never from
/// the command line (it would land in shell history and in every user's <c>ps</c>), checks it, then stores both.
/// </summary>
internal static class LoginCommand
{
    public static Command Create(ConfigStore store)
    {
        Argument<string> endpoint = new("endpoint") { Description = "The Fleet API's address, e.g. https://fleet.example.org" };
        Option<bool> noCheck = new("--no-check") { Description = "Store without checking the key against the API" };
        Command command = new("login", "Store the API endpoint and key (key read from stdin or a prompt) in the user's config") { endpoint, noCheck };
        command.SetAction(async (parse, ct) =>
        {
            var text = parse.GetValue(endpoint)!;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new CliException(ExitCodes.Usage, $"endpoint '{text}' is not an http(s) address");
            }

            var key = (Console.IsInputRedirected ? await Console.In.ReadLineAsync(ct) : Prompt("API key: "))?.Trim();
            if (string.IsNullOrEmpty(key))
            {
                throw new CliException(ExitCodes.Usage, "no API key given (pipe it on stdin or type it at the prompt)");
            }

            CliSettings settings = new(uri, key);
            if (!parse.GetValue(noCheck))
            {
                using var api = FleetApi.For(settings);
                await api.CallAsync(c => api.Client.Detectors.GetAsync(r => r.QueryParameters.Limit = 1, c), ct);
            }

            await store.SaveAsync(settings, ct);
            await Console.Out.WriteLineAsync($"logged in to {uri} (saved in {store.FilePath})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Prompt(string text)
    {
        Console.Error.Write(text);
        StringBuilder key = new();
        while (true)
        {
            var typed = Console.ReadKey(intercept: true);
            if (typed.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return key.ToString();
            }

            if (typed.Key == ConsoleKey.Backspace)
            {
                key.Length = Math.Max(0, key.Length - 1);
            }
            else if (!char.IsControl(typed.KeyChar))
            {
                key.Append(typed.KeyChar);
            }
        }
    }
}
