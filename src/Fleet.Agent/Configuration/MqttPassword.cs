namespace Fleet.Agent.Configuration;

/// <summary>
/// Reads the MQTT password from the environment or a file only root and the agent's group can read. A file
/// anyone may read is refused: the credential lets whoever holds it speak for this detector.
/// </summary>
public static class MqttPassword
{
    public static string Read(MqttSettings settings)
    {
        if (!string.IsNullOrEmpty(settings.Password))
        {
            return settings.Password;
        }

        var path = settings.PasswordFile ?? throw new InvalidOperationException("No MQTT password is configured (Agent:Mqtt:PasswordFile).");
        if (CheckFile(path) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        return File.ReadAllText(path).Trim();
    }

    /// <summary>Null when the file is usable, otherwise what is wrong (never its content).</summary>
    public static string? CheckFile(string path)
    {
        if (!File.Exists(path))
        {
            return $"The MQTT password file {path} does not exist.";
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            return $"The MQTT password file {path} is readable by every user: run chmod 640 {path} (owner root, group fleet-agent).";
        }

        try
        {
            return File.ReadAllText(path).Trim().Length == 0 ? $"The MQTT password file {path} is empty." : null;
        }
        catch (UnauthorizedAccessException)
        {
            return $"The MQTT password file {path} cannot be read by this user.";
        }
    }
}
