using System.CommandLine;
using Fleet.Cli.Api;
using Fleet.Cli.Api.Detectors;
using Fleet.Cli.Api.Models;
using Fleet.Cli.Config;
using Fleet.Cli.Errors;
using Fleet.Cli.Output;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace Fleet.Cli.Commands;

/// <summary><c>fleet ls</c>: <c>GET /detectors</c> with the same filters, every page (following <c>Link: rel="next"</c>).</summary>
internal static class ListCommand
{
    public static Command Create(ConfigStore store)
    {
        Option<string[]> status = Repeatable("--status", "online, offline, lost or unknown");
        Option<string[]> tag = Repeatable("--tag", "a tag the detector has (all given must match)");
        Option<string[]> health = Repeatable("--health", "the agent's health: ok, warning, critical");
        Option<string[]> provider = Repeatable("--provider", "the tunnel provider: ngrok, cloudflared, reverse-ssh, static");
        Option<string[]> reachability = Repeatable("--reachability", "reachable, degraded, unreachable or unknown");
        Option<string> q = new("--q") { Description = "text in the id, name, notes or location" };
        Option<bool> json = new("--json") { Description = "print the detectors as a JSON array" };
        Option<int?> pageSize = new("--page-size") { Description = "detectors per request (the API's default when left out); every page is read" };
        Command command = new("ls", "List detectors (all pages), as a table or JSON") { status, tag, health, provider, reachability, q, json, pageSize };
        command.SetAction(async (parse, ct) =>
        {
            var reach = (parse.GetValue(reachability) ?? []).Select(ParseReachability).ToArray();
            using var api = await FleetApi.ConnectAsync(store, ct);
            List<DetectorView> all = [];
            string? after = null;
            do
            {
                var headers = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
                var page = await api.CallAsync(c => api.Client.Detectors.GetAsync(r =>
                {
                    r.Options.Add(headers);
                    r.QueryParameters.Status = NullIfEmpty(parse.GetValue(status));
                    r.QueryParameters.Tag = NullIfEmpty(parse.GetValue(tag));
                    r.QueryParameters.Health = NullIfEmpty(parse.GetValue(health));
                    r.QueryParameters.Provider = NullIfEmpty(parse.GetValue(provider));
                    r.QueryParameters.Reachability = reach.Length == 0 ? null : reach;
                    r.QueryParameters.Q = parse.GetValue(q);
                    r.QueryParameters.After = after;
                    r.QueryParameters.Limit = parse.GetValue(pageSize);
                }, c), ct);
                all.AddRange(page ?? []);
                after = NextLink.Cursor(headers.ResponseHeaders);
            }
            while (after is not null);

            if (parse.GetValue(json))
            {
                await Json.WriteAsync(Console.Out, all, ct);
            }
            else
            {
                Table.Write(Console.Out, DetectorText.Headers, all.Select(DetectorText.Row));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Option<string[]> Repeatable(string name, string description) =>
        new(name) { Description = description + " (repeat for several)", AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.OneOrMore };

    private static string[]? NullIfEmpty(string[]? values) => values is { Length: > 0 } ? values : null;

    private static GetReachabilityQueryParameterType ParseReachability(string value) =>
        Enum.TryParse<GetReachabilityQueryParameterType>(value, ignoreCase: true, out var parsed) && !int.TryParse(value, out _)
            ? parsed
            : throw new CliException(ExitCodes.Usage, $"--reachability '{value}': use reachable, degraded, unreachable or unknown");
}
