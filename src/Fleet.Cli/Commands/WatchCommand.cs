using System.CommandLine;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Fleet.Cli.Api;
using Fleet.Cli.Config;
using Fleet.Cli.Errors;

namespace Fleet.Cli.Commands;

/// <summary>
/// <c>fleet watch</c>: the <c>/events</c> stream, one line per event: <c>AT DETECTOR TYPE DETAIL</c> for each
/// <c>fleet-event</c>, or with <c>--json</c> every item's JSON as it arrives (<c>{"event":…,"data":…}</c>, JSON Lines).
/// </summary>
internal static class WatchCommand
{
    public static Command Create(ConfigStore store)
    {
        Option<bool> json = new("--json") { Description = "print every item (events and detector views) as one JSON line" };
        Command command = new("watch", "Follow the live event stream (/events) until interrupted") { json };
        command.SetAction(async (parse, ct) =>
        {
            using var api = await FleetApi.ConnectAsync(store, ct, streaming: true);
            await using var stream = await api.CallAsync(c => api.Client.Events.GetAsync(r => r.Headers.Add("Accept", "text/event-stream"), c), ct)
                ?? throw new CliException(ExitCodes.Failure, "the API answered /events without a body");
            var asJson = parse.GetValue(json);
            await foreach (var item in SseParser.Create(stream).EnumerateAsync(ct))
            {
                if (asJson)
                {
                    await Console.Out.WriteLineAsync($"{{\"event\":{JsonSerializer.Serialize(item.EventType, WatchJson.Default.String)},\"id\":{JsonSerializer.Serialize(item.EventId, WatchJson.Default.String)},\"data\":{item.Data}}}");
                }
                else if (item.EventType == "fleet-event")
                {
                    await Console.Out.WriteLineAsync(Line(item.Data));
                }
                else if (item.EventType is "overflow" or "reset")
                {
                    await Console.Out.WriteLineAsync($"-- {item.EventType}: {item.Data}");
                }

                await Console.Out.FlushAsync(ct);
            }

            throw new CliException(ExitCodes.Unreachable, "the API ended the event stream");
        });
        return command;
    }

    private static string Line(string data)
    {
        using var document = JsonDocument.Parse(data);
        var root = document.RootElement;
        var detail = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object
            ? string.Join(' ', d.EnumerateObject().Select(p => $"{p.Name}={(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())}"))
            : string.Empty;
        return $"{Get(root, "at")} {Get(root, "detectorId")} {Get(root, "type")} {detail}".TrimEnd();
    }

    private static string Get(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "?";
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class WatchJson : System.Text.Json.Serialization.JsonSerializerContext;
