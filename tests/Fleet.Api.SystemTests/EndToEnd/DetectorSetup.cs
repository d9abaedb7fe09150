using Fleet.Api.Auth;

namespace Fleet.Api.SystemTests.EndToEnd;

public sealed record DetectorSetup(string Id, string Password, string WorkDirectory, string PasswordFile)
{
    public string StateDirectory => Path.Combine(WorkDirectory, "state");

    public string LogDirectory => Path.Combine(WorkDirectory, "log");

    /// <summary>A detector's credential on the broker and a work folder laid out like a Pi's (password file 0600).</summary>
    public static async Task<DetectorSetup> ProvisionAsync(MosquittoBroker mosquitto, string prefix, string folderPrefix)
    {
        var id = Messages.NewId(prefix);
        var password = SecretHash.NewSecret();
        await mosquitto.AddUserAsync(id, password);
        var work = Directory.CreateTempSubdirectory($"{folderPrefix}-{id}-").FullName;
        var passwordFile = Path.Combine(work, "mqtt-password");
        await File.WriteAllTextAsync(passwordFile, password);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return new DetectorSetup(id, password, work, passwordFile);
    }
}
