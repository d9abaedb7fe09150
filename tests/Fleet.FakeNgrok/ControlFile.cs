using System.Text.Json;

namespace Fleet.FakeNgrok;

/// <summary>
/// The test's remote control, read from the JSON file named by FAKE_NGROK_CONTROL. Every field is optional;
/// see README.md for the semantics.
/// </summary>
internal sealed record ControlFile(
    ApiShape Shape,
    IReadOnlyDictionary<string, string> Urls,
    string? ChangeUrl,
    bool DropSession,
    string? Error,
    bool Crash,
    int ExitCode)
{
    /// <summary>Tunnel names the edge stand-in answers ERR_NGROK_3200 for (control `offline`).</summary>
    public IReadOnlySet<string> Offline { get; init; } = new HashSet<string>();

    public const string EnvironmentVariable = "FAKE_NGROK_CONTROL";

    public static ControlFile Default { get; } = new(ApiShape.Both, new Dictionary<string, string>(), null, false, null, false, 1);

    /// <returns>Null when there is no file, or it cannot be read or parsed right now (e.g. half written).</returns>
    public static ControlFile? TryRead(string? path)
    {
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            Dictionary<string, string> urls = [];
            if (Get(root, "urls") is { ValueKind: JsonValueKind.Object } pins)
            {
                foreach (JsonProperty pin in pins.EnumerateObject())
                {
                    if (pin.Value.ValueKind == JsonValueKind.String)
                    {
                        urls[pin.Name] = pin.Value.GetString()!;
                    }
                }
            }

            return new ControlFile(
                ParseShape(Text(Get(root, "shape"))),
                urls,
                Text(Get(root, "changeUrl")),
                Get(root, "dropSession")?.ValueKind == JsonValueKind.True,
                Text(Get(root, "error")),
                Get(root, "crash")?.ValueKind == JsonValueKind.True,
                Get(root, "exitCode") is { ValueKind: JsonValueKind.Number } code && code.TryGetInt32(out int exitCode) ? exitCode : 1)
            {
                Offline = Get(root, "offline") is { ValueKind: JsonValueKind.Array } offline
                    ? offline.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToHashSet()
                    : new HashSet<string>(),
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static ApiShape ParseShape(string? shape) => shape?.ToLowerInvariant() switch
    {
        "tunnels" => ApiShape.Tunnels,
        "tunnels-v2" => ApiShape.TunnelsV2,
        "endpoints" => ApiShape.Endpoints,
        _ => ApiShape.Both,
    };

    private static JsonElement? Get(JsonElement root, string name)
    {
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    // Numbers are accepted for changeUrl so that a counter works as the token.
    private static string? Text(JsonElement? value) => value?.ValueKind switch
    {
        JsonValueKind.String => value.Value.GetString(),
        JsonValueKind.Number => value.Value.GetRawText(),
        _ => null,
    };
}
