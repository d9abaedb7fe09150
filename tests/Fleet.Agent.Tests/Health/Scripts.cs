namespace Fleet.Agent.Tests.Health;

/// <summary>Executable shell scripts in a temporary directory, for the health check tests.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class Scripts : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-health-");

    public string Dir => _dir.FullName;

    public string Path(string name) => System.IO.Path.Combine(Dir, name);

    /// <summary>Writes <paramref name="body"/> (after a /bin/sh shebang) as an executable script and returns its path.</summary>
    public string Write(string name, string body)
    {
        var path = Path(name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
