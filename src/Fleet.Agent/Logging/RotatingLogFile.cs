using System.Globalization;
using System.Text;

namespace Fleet.Agent.Logging;

/// <summary>
/// The log of a child process (ngrok.log): one line per entry prefixed with an ISO 8601 UTC timestamp, secrets masked,
/// size-capped with numbered rotation (x.log → x.log.1 → … → x.log.N, the oldest deleted). Thread-safe, so stdout and
/// stderr readers can share one file.
/// </summary>
/// <remarks>
/// Every line is flushed to the disk, not just to the kernel: a Pi is often switched off at the plug, and the lines
/// before a power cut are the ones someone will want to read. The cost is one fsync per line, which is fine at
/// ngrok's info level (a few lines a minute) but not meant for a debug firehose.
/// </remarks>
internal sealed class RotatingLogFile : IDisposable
{
    public const long DefaultMaxBytes = 5 * 1024 * 1024;
    public const int DefaultKeepFiles = 5;

    private readonly Lock _gate = new();
    private readonly string[] _secrets;
    private readonly TimeProvider _clock;
    private FileStream? _stream;
    private long _size;
    private bool _disposed;

    /// <param name="path">The current file; rotated files get the suffixes .1 (newest) to .<paramref name="keepFiles"/>.</param>
    /// <param name="maxBytes">A file is rotated before a line would take it past this size.</param>
    /// <param name="keepFiles">How many rotated files to keep besides the current one (0: just start over).</param>
    /// <param name="secrets">Strings that must never reach the file; empty ones are ignored.</param>
    /// <param name="clock">For the timestamps; the system clock when null.</param>
    public RotatingLogFile(
        string path,
        long maxBytes = DefaultMaxBytes,
        int keepFiles = DefaultKeepFiles,
        IReadOnlyCollection<string>? secrets = null,
        TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(keepFiles);

        FilePath = Path.GetFullPath(path);
        MaxBytes = maxBytes;
        KeepFiles = keepFiles;
        _secrets = secrets is null ? [] : [.. secrets.Where(s => !string.IsNullOrEmpty(s))];
        _clock = clock ?? TimeProvider.System;

        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        lock (_gate)
        {
            // Opened now so that an unwritable log directory fails the start, not the first line hours later.
            Open();
        }
    }

    public string FilePath { get; }

    public long MaxBytes { get; }

    public int KeepFiles { get; }

    /// <summary>Masks this log's secrets in <paramref name="text"/>, for messages that go elsewhere (the journal).</summary>
    public string Redact(string text) => SecretRedactor.Redact(text, _secrets);

    /// <summary>What an entry's text becomes in the file, without the timestamp: one line, secrets masked. The journal's
    /// copy of a provider line is this too, so the two never differ in what they hide.</summary>
    public string Sanitize(string line) => Redact(line.ReplaceLineEndings(" "));

    /// <summary>Appends one entry; line breaks inside <paramref name="line"/> become spaces, so one entry is one line.</summary>
    /// <exception cref="IOException">The disk is full or gone; the next call tries again with a fresh file handle.</exception>
    public void WriteLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);

        string timestamp = _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        string entry = $"{timestamp} {Sanitize(line)}\n";
        byte[] bytes = Encoding.UTF8.GetBytes(entry);

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                if (_stream is not null && _size > 0 && _size + bytes.Length > MaxBytes)
                {
                    Rotate();
                }

                FileStream stream = _stream ?? Open();
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
                _size += bytes.Length;
            }
            catch
            {
                // A half-done write or rotation leaves the handle in an unknown state: start from the file next time.
                CloseStream();
                throw;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            CloseStream();
        }
    }

    private FileStream Open()
    {
        FileStreamOptions options = new()
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,

            // Readers (tail -f, an operator's less) are welcome, and rotation must be able to rename an open file.
            Share = FileShare.Read | FileShare.Delete,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        }

        _stream = new FileStream(FilePath, options);
        _size = _stream.Length;
        return _stream;
    }

    private void Rotate()
    {
        CloseStream();
        if (KeepFiles == 0)
        {
            File.Delete(FilePath);
            return;
        }

        File.Delete(RotatedPath(KeepFiles));
        for (int index = KeepFiles - 1; index >= 1; index--)
        {
            if (File.Exists(RotatedPath(index)))
            {
                File.Move(RotatedPath(index), RotatedPath(index + 1));
            }
        }

        File.Move(FilePath, RotatedPath(1));
    }

    private string RotatedPath(int index) => string.Create(CultureInfo.InvariantCulture, $"{FilePath}.{index}");

    private void CloseStream()
    {
        FileStream? stream = _stream;
        _stream = null;
        _size = 0;
        try
        {
            stream?.Dispose();
        }
        catch (IOException)
        {
            // Dispose flushes; on a full disk that fails too, and there is nothing left to save.
        }
    }
}
