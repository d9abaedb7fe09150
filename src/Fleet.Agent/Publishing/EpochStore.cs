using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Fleet.Agent.Publishing;

/// <summary>
/// The contract's epoch, kept on disk in <c>{stateDirectory}/epoch</c> as the text <c>epoch=N</c>. Every write goes to a
/// temporary file in the same directory, is flushed to the disk, then renamed over the old file and the directory is
/// synced: after a power cut the file holds the old value or the new one, never a mix or nothing.
/// </summary>
/// <remarks>
/// A missing file reads as null (a fresh SD card: the agent recovers from its retained state, see
/// <see cref="EnsureAtLeast"/>). A corrupt file is an <see cref="InvalidDataException"/>, never silently reset: with
/// atomic writes it can only come from a failing card or a hand edit, and a guessed epoch that is too low makes the API
/// ignore the detector until its reset window passes. The caller logs it and calls <see cref="SetAsideCorruptFile"/>,
/// which keeps the evidence and then behaves like a fresh card.
/// <para>
/// Next to it, <c>{stateDirectory}/instance</c> holds this installation's incarnation id (<c>instance=…</c>, a random
/// GUID's 16 bytes in base64url), created once with the directory and kept across restarts: a re-flashed card gets a new one, so
/// the API can tell its first messages (epoch 1, seq 0 again) from late ones of the card's previous life. An unreadable
/// instance file is replaced by a new id, which costs nothing but the start of a new life.
/// </para>
/// </remarks>
internal sealed class EpochStore
{
    public const string FileName = "epoch";
    public const string InstanceFileName = "instance";
    private const string Prefix = "epoch=";
    private const string InstancePrefix = "instance=";
    private static readonly string[] TempPatterns = ["epoch.*.tmp", "instance.*.tmp"];

    // A temporary file this old was left by a crash mid-write, not by a writer still at work.
    private static readonly TimeSpan StaleTempAge = TimeSpan.FromMinutes(1);

    // Two stores in one process never interleave a read-modify-write. Across processes the rename still keeps the
    // file whole; only an increment can be lost.
    private static readonly Lock Gate = new();

    public EpochStore(string stateDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        StateDirectory = Path.GetFullPath(stateDirectory);
        FilePath = Path.Combine(StateDirectory, FileName);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(StateDirectory);
        }
        else
        {
            Directory.CreateDirectory(StateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        RemoveStaleTempFiles();
        InstancePath = Path.Combine(StateDirectory, InstanceFileName);
        lock (Gate)
        {
            Instance = ReadInstance() ?? CreateInstance();
        }
    }

    public string StateDirectory { get; }

    public string FilePath { get; }

    public string InstancePath { get; }

    /// <summary>This installation's incarnation id, sent as <c>instance</c> in every status and state message.</summary>
    public string Instance { get; }

    /// <returns>The stored epoch, or null when there is none yet.</returns>
    /// <exception cref="InvalidDataException">The file exists but does not hold <c>epoch=N</c>.</exception>
    public long? Read()
    {
        lock (Gate)
        {
            return ReadFile();
        }
    }

    /// <summary>Stores and returns the stored epoch plus one (1 when there was none); call it before every connection attempt.</summary>
    public long Next()
    {
        lock (Gate)
        {
            long next = checked((ReadFile() ?? 0) + 1);
            WriteFile(next);
            return next;
        }
    }

    /// <summary>Raises the stored epoch to <paramref name="epoch"/> if it is lower or missing (recovery from the retained state).</summary>
    public void EnsureAtLeast(long epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        lock (Gate)
        {
            if (ReadFile() is not { } current || current < epoch)
            {
                WriteFile(epoch);
            }
        }
    }

    /// <summary>Renames a corrupt epoch file to <c>epoch.corrupt-{UTC time}</c>, after which <see cref="Read"/> returns null.</summary>
    /// <returns>Where the corrupt file went; null when the file was missing or valid (and so left alone).</returns>
    public string? SetAsideCorruptFile()
    {
        lock (Gate)
        {
            string text;
            try
            {
                text = File.ReadAllText(FilePath, Encoding.UTF8);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }

            if (TryParse(text, out _))
            {
                return null;
            }

            string aside = $"{FilePath}.corrupt-{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";
            File.Move(FilePath, aside, overwrite: true);
            SyncDirectory(StateDirectory);
            return aside;
        }
    }

    private long? ReadFile()
    {
        string text;
        try
        {
            text = File.ReadAllText(FilePath, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        if (TryParse(text, out long epoch))
        {
            return epoch;
        }

        string shown = text.Length > 40 ? string.Concat(text.AsSpan(0, 40), "…") : text;
        throw new InvalidDataException(
            $"The epoch file {FilePath} is corrupt: it holds \"{shown.ReplaceLineEndings("\\n")}\" instead of \"epoch=<number>\". "
            + "It is not reset to a guess, because an epoch that is too low makes the Fleet API ignore this detector. "
            + "Delete or rename the file: the agent then recovers the epoch from its retained state on the broker.");
    }

    private static bool TryParse(string text, out long epoch)
    {
        epoch = 0;
        string trimmed = text.Trim();
        return trimmed.StartsWith(Prefix, StringComparison.Ordinal)
            && long.TryParse(trimmed.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out epoch);
    }

    private string? ReadInstance()
    {
        try
        {
            string text = File.ReadAllText(InstancePath, Encoding.UTF8).Trim();
            string id = text.StartsWith(InstancePrefix, StringComparison.Ordinal) ? text[InstancePrefix.Length..] : "";
            return id.Length > 0 && Fleet.Domain.Validation.InstanceIds.Validate(id) is null ? id : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private string CreateInstance()
    {
        // Guid.NewGuid draws 122 bits from the kernel's CSPRNG, plenty for an id that only has to differ between
        // installations. RandomNumberGenerator would load OpenSSL (about 4 MB resident) into an agent that uses no TLS.
        string id = Base64Url.EncodeToString(Guid.NewGuid().ToByteArray());
        WriteAtomically(InstanceFileName, $"{InstancePrefix}{id}\n");
        return id;
    }

    private void WriteFile(long epoch) =>
        WriteAtomically(FileName, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{epoch}\n"));

    private void WriteAtomically(string fileName, string text)
    {
        // A unique name, so that two writers (or a leftover from a crash) never share a temporary file.
        string temp = Path.Combine(StateDirectory, $"{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            FileStreamOptions options = new() { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (FileStream stream = new(temp, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, Path.Combine(StateDirectory, fileName), overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        SyncDirectory(StateDirectory);
    }

    private void RemoveStaleTempFiles()
    {
        DateTime staleBefore = DateTime.UtcNow - StaleTempAge;
        foreach (string temp in TempPatterns.SelectMany(pattern => Directory.EnumerateFiles(StateDirectory, pattern)))
        {
            if (File.GetLastWriteTimeUtc(temp) < staleBefore)
            {
                TryDelete(temp);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Harmless leftover: it never matches the epoch or instance file's name.
        }
    }

    /// <summary>Makes the rename itself durable (POSIX needs an fsync of the directory); skipped where that is impossible.</summary>
    private static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            int fd = NativeMethods.open(directory, NativeMethods.ReadOnlyCloseOnExec);
            if (fd >= 0)
            {
                _ = NativeMethods.fsync(fd);
                _ = NativeMethods.close(fd);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc to call: the rename is still atomic, just not yet durable.
        }
    }

    private static class NativeMethods
    {
        // O_RDONLY | O_CLOEXEC; the same values on Linux x64, arm and arm64.
        public const int ReadOnlyCloseOnExec = 0x80000;

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int fsync(int fd);

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int close(int fd);
    }
}
