using System.CommandLine;
using System.Globalization;
using Fleet.Cli.Api;
using Fleet.Cli.Api.Models;
using Fleet.Cli.Config;
using Fleet.Cli.Errors;
using Fleet.Cli.Output;
using Microsoft.Kiota.Abstractions.Serialization;

namespace Fleet.Cli.Commands;

/// <summary>
/// <c>fleet history ID</c>: the newest events; with <c>--at T</c> the URL each tunnel had at T (the newest url-changed,
/// tunnel-added or tunnel-removed event per tunnel before T, the contract's "URL at time T").
/// </summary>
internal static class HistoryCommand
{
    private static readonly string[] UrlEvents = ["url-changed", "tunnel-added", "tunnel-removed"];

    public static Command Create(ConfigStore store)
    {
        Argument<string> id = new("id") { Description = "The detector's id" };
        Option<DateTimeOffset?> at = new("--at") { Description = "show the URLs the detector had at this time (ISO 8601, e.g. 2026-12-05T10:00:00Z)" };
        Option<int> limit = new("--limit") { Description = "how many events (newest first)", DefaultValueFactory = _ => 50 };
        Option<bool> json = new("--json") { Description = "print the events as JSON" };
        Command command = new("history", "Show a detector's history, or its URLs at a time") { id, at, limit, json };
        command.SetAction(async (parse, ct) =>
        {
            var detector = Detectors.NormalizeId(parse.GetValue(id)!);
            using var api = await FleetApi.ConnectAsync(store, ct);
            var when = parse.GetValue(at);
            var events = await api.CallAsync(c => api.Client.Detectors[detector].History.GetAsync(r =>
            {
                r.QueryParameters.Until = when?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
                r.QueryParameters.Type = when is null ? null : UrlEvents;
                r.QueryParameters.Limit = when is null ? parse.GetValue(limit) : 1000;
            }, c), ct, detector) ?? [];
            if (when is not null)
            {
                // Newest first: the first event seen per tunnel is its state at T; a removal means no URL then.
                events = [.. events.GroupBy(e => Data(e, "tunnel") ?? "?").Select(g => g.First()).Where(e => e.Type != "tunnel-removed")];
            }

            if (parse.GetValue(json))
            {
                await Json.WriteAsync(Console.Out, events, ct);
            }
            else if (when is not null)
            {
                Table.Write(Console.Out, ["TUNNEL", "URL", "SINCE"], events.Select(e => (IReadOnlyList<string>)[Data(e, "tunnel") ?? "?", Data(e, "to") ?? Data(e, "url") ?? "?", DetectorText.Time(e.At)]));
            }
            else
            {
                Table.Write(Console.Out, ["AT", "TYPE", "DETAIL"], events.Select(e => (IReadOnlyList<string>)[DetectorText.Time(e.At), e.Type ?? "?", Detail(e)]));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Detail(FleetEvent e) =>
        e.Data?.AdditionalData is { Count: > 0 } data
            ? string.Join(' ', data.Select(kv => $"{kv.Key}={Text(kv.Value)}"))
            : string.Empty;

    private static string? Data(FleetEvent e, string key) =>
        e.Data?.AdditionalData.TryGetValue(key, out var value) == true ? Text(value) : null;

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        UntypedString s => s.GetValue(),
        UntypedInteger i => i.GetValue().ToString(CultureInfo.InvariantCulture),
        UntypedLong l => l.GetValue().ToString(CultureInfo.InvariantCulture),
        UntypedBoolean b => b.GetValue() ? "true" : "false",
        UntypedDouble d => d.GetValue().ToString(CultureInfo.InvariantCulture),
        UntypedNull => "null",
        UntypedObject => "{…}",
        UntypedArray => "[…]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
