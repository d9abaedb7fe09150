using System.CommandLine;
using Fleet.Cli.Api;
using Fleet.Cli.Config;
using Fleet.Cli.Errors;
using Fleet.Cli.Output;

namespace Fleet.Cli.Commands;

/// <summary><c>fleet show ID</c>: one detector in words, or as the API's JSON.</summary>
internal static class ShowCommand
{
    public static Command Create(ConfigStore store)
    {
        Argument<string> id = new("id") { Description = "The detector's id" };
        Option<bool> json = new("--json") { Description = "print the detector as JSON" };
        Command command = new("show", "Show one detector: status, tunnels, provider") { id, json };
        command.SetAction(async (parse, ct) =>
        {
            using var api = await FleetApi.ConnectAsync(store, ct);
            var detector = await Detectors.GetAsync(api, Detectors.NormalizeId(parse.GetValue(id)!), ct);
            if (parse.GetValue(json))
            {
                await Json.WriteAsync(Console.Out, detector, ct);
            }
            else
            {
                DetectorText.WriteDetails(Console.Out, detector);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
