using System.Text.Json;
using System.Text.Json.Serialization;
using Fleet.Cli.Errors;

namespace Fleet.Cli.Config;

/// <summary>
/// The user's <c>fleet/config.json</c> under <c>$XDG_CONFIG_HOME</c> (else <c>~/.config</c>). It holds an API key, so the
/// folder is created 0700 and the file 0600 before anything is written into it, and both are tightened if they exist.
/// </summary>
internal sealed class ConfigStore(string directory)
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string Directory { get; } = directory;

    public string FilePath => Path.Combine(Directory, "config.json");

    /// <summary>The store the environment names: <c>$XDG_CONFIG_HOME/fleet</c> or <c>~/.config/fleet</c>.</summary>
    public static ConfigStore FromEnvironment()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        var root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return new ConfigStore(Path.Combine(root, "fleet"));
    }

    public async Task SaveAsync(CliSettings settings, CancellationToken ct)
    {
        // Written to a private temporary file and moved over the old one: never a moment with the key world-readable.
        // (On Windows the profile folder is the user's own already.)
        var temporary = FilePath + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, PrivateDirectory);
            File.SetUnixFileMode(Directory, PrivateDirectory);
            options.UnixCreateMode = PrivateFile;
        }

        await using (var stream = new FileStream(temporary, options))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, PrivateFile);
            }

            await JsonSerializer.SerializeAsync(stream, new StoredSettings(settings.Endpoint.ToString(), settings.ApiKey), ConfigJson.Default.StoredSettings, ct);
        }

        File.Move(temporary, FilePath, overwrite: true);
    }

    public async Task<CliSettings> LoadAsync(CancellationToken ct)
    {
        if (!File.Exists(FilePath))
        {
            throw new CliException(ExitCodes.NotLoggedIn, $"not logged in: run 'fleet login' first (no {FilePath})");
        }

        StoredSettings? stored;
        try
        {
            await using var stream = File.OpenRead(FilePath);
            stored = await JsonSerializer.DeserializeAsync(stream, ConfigJson.Default.StoredSettings, ct);
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.NotLoggedIn, $"{FilePath} is not valid JSON ({ex.Message}): run 'fleet login' again");
        }

        if (stored is null || string.IsNullOrEmpty(stored.ApiKey) || !Uri.TryCreate(stored.Endpoint, UriKind.Absolute, out var endpoint))
        {
            throw new CliException(ExitCodes.NotLoggedIn, $"{FilePath} lacks an endpoint or key: run 'fleet login' again");
        }

        return new CliSettings(endpoint, stored.ApiKey);
    }

    internal sealed record StoredSettings(string Endpoint, string ApiKey);
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ConfigStore.StoredSettings))]
internal sealed partial class ConfigJson : JsonSerializerContext;
