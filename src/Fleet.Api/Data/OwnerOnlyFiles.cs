using System.Collections.Concurrent;

namespace Fleet.Api.Data;

/// <summary>
/// Creates the data directory (0700) and the files that hold secrets or data (0600: the SQLite database and its
/// -wal/-shm/-journal, the key-ring certificate) readable by the API's user only, and tightens existing ones that
/// group or others could read. Runs while the host is built, before any logger exists, so it keeps what it changed for
/// the start-up log (<see cref="Tightened"/>). Nothing to do on Windows, where files inherit the folder's ACL.
/// </summary>
public sealed class OwnerOnlyFiles
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly ConcurrentQueue<(string Path, UnixFileMode Before)> _tightened = new();

    /// <summary>Paths whose permissions were reduced to the owner's, with their mode before.</summary>
    public IReadOnlyCollection<(string Path, UnixFileMode Before)> Tightened => _tightened;

    /// <summary>The one instance of the host being built (registered as a singleton so the start-up can log it).</summary>
    public static OwnerOnlyFiles For(IHostApplicationBuilder builder)
    {
        if (builder.Services.FirstOrDefault(d => d.ServiceType == typeof(OwnerOnlyFiles))?.ImplementationInstance is OwnerOnlyFiles existing)
        {
            return existing;
        }

        var files = new OwnerOnlyFiles();
        builder.Services.AddSingleton(files);
        return files;
    }

    public void EnsureDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, OwnerDirectory);
            return;
        }

        Tighten(path, OwnerDirectory);
    }

    /// <summary>Creates the file empty with mode 0600 when missing (SQLite then opens it as an empty database); tightens it otherwise.</summary>
    public void EnsureFile(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            try
            {
                using var created = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerFile,
                });
                return;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it meanwhile: check its mode below.
            }
        }

        Tighten(path, OwnerFile);
    }

    /// <summary>Removes group and other permissions from an existing file (a missing one is fine).</summary>
    public void TightenIfPresent(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            Tighten(path, OwnerFile);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private void Tighten(string path, UnixFileMode owner)
    {
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) != 0)
        {
            File.SetUnixFileMode(path, mode & owner);
            _tightened.Enqueue((path, mode));
        }
    }
}
