using System.Text.Json;

namespace Fleet.FakeCloudflared;

/// <summary>The test's remote control, the JSON file named by FAKE_CLOUDFLARED_CONTROL; see README.md.</summary>
internal sealed record ControlFile(bool RateLimited, bool NoEdge, bool Crash, int ExitCode, string? Hostname)
{
    public const string EnvironmentVariable = "FAKE_CLOUDFLARED_CONTROL";

    public static ControlFile Default { get; } = new(false, false, false, 1, null);

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

            return new ControlFile(
                Get(root, "rateLimited")?.ValueKind == JsonValueKind.True,
                Get(root, "noEdge")?.ValueKind == JsonValueKind.True,
                Get(root, "crash")?.ValueKind == JsonValueKind.True,
                Get(root, "exitCode") is { ValueKind: JsonValueKind.Number } code && code.TryGetInt32(out int exitCode) ? exitCode : 1,
                Get(root, "hostname") is { ValueKind: JsonValueKind.String } host ? host.GetString() : null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

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
}
