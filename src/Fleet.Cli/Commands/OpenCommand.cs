using System.CommandLine;
using System.Diagnostics;
using Fleet.Cli.Api;
using Fleet.Cli.Config;
using Fleet.Cli.Errors;

namespace Fleet.Cli.Commands;

/// <summary><c>fleet open ID [TUNNEL]</c>: the tunnel's current URL, opened with xdg-open when there is one, always printed.</summary>
internal static class OpenCommand
{
    public static Command Create(ConfigStore store)
    {
        Argument<string> id = new("id") { Description = "The detector's id" };
        Argument<string?> tunnel = new("tunnel") { Description = "The tunnel's name (default: the first http(s) tunnel)", Arity = ArgumentArity.ZeroOrOne };
        Option<bool> print = new("--print") { Description = "only print the URL" };
        Command command = new("open", "Open (or print) a detector's current URL") { id, tunnel, print };
        command.SetAction(async (parse, ct) =>
        {
            using var api = await FleetApi.ConnectAsync(store, ct);
            var detector = await Detectors.GetAsync(api, Detectors.NormalizeId(parse.GetValue(id)!), ct);
            var name = parse.GetValue(tunnel);
            var tunnels = detector.Tunnels ?? [];
            var chosen = name is not null
                ? tunnels.FirstOrDefault(t => t.Name == name)
                : tunnels.FirstOrDefault(t => t.Url?.StartsWith("http", StringComparison.OrdinalIgnoreCase) == true) ?? tunnels.FirstOrDefault();
            if (chosen?.Url is null)
            {
                var have = tunnels.Count == 0 ? "none" : string.Join(", ", tunnels.Select(t => t.Name));
                throw new CliException(ExitCodes.NoTunnel, $"detector '{detector.Id}' has no tunnel{(name is null ? string.Empty : $" '{name}'")} (its tunnels: {have})");
            }

            Detectors.WarnIfNotOnline(detector);
            await Console.Out.WriteLineAsync(chosen.Url);
            if (!parse.GetValue(print) && chosen.Url.StartsWith("http", StringComparison.OrdinalIgnoreCase) && FindOnPath("xdg-open") is { } opener)
            {
                using var process = Process.Start(new ProcessStartInfo(opener, [chosen.Url]) { UseShellExecute = false });
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    internal static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
}
