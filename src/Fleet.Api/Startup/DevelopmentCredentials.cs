using System.Text.Json;
using Fleet.Api.Auth;

namespace Fleet.Api.Startup;

/// <summary>
/// Credentials that make the zero-setup default usable at once: in the Development environment only, a reader
/// key, an admin key, a detector credential and a monitor account are generated on first start, kept in the
/// data folder (never in the repository) and printed by the start-up banner. Elsewhere this is empty.
/// </summary>
public sealed class DevelopmentCredentials
{
    public const string DetectorId = "pi-042";

    public DevelopmentCredentials(IHostEnvironment environment)
    {
        if (!environment.IsDevelopment())
        {
            return;
        }

        var path = Path.Combine(environment.ContentRootPath, "data", "development-credentials.json");
        var stored = Load(path);
        if (stored is null)
        {
            stored = new Stored(SecretHash.NewSecret(), SecretHash.NewSecret(), SecretHash.NewSecret(), SecretHash.NewSecret());
            var directory = Path.GetDirectoryName(path)!;
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            File.WriteAllText(path, JsonSerializer.Serialize(stored));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        IsEnabled = true;
        ApiKeys = [("development-reader", Roles.Reader, stored.ReaderKey), ("development-admin", Roles.Admin, stored.AdminKey)];
        DetectorPassword = stored.DetectorPassword;
        MonitorPassword = stored.MonitorPassword;
    }

    public bool IsEnabled { get; }

    public IReadOnlyList<(string Name, string Role, string Key)> ApiKeys { get; } = [];

    public string? DetectorPassword { get; }

    public string? MonitorPassword { get; }

    private static Stored? Load(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Stored>(File.ReadAllText(path)) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Stored(string ReaderKey, string AdminKey, string DetectorPassword, string MonitorPassword);
}
