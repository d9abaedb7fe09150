using System.Security.Cryptography;
using System.Text;

namespace Fleet.Api.Provisioning;

/// <summary>
/// Mosquitto 2.0's password file: one <c>user:$7$101$&lt;base64 salt&gt;$&lt;base64 hash&gt;</c> line per user, where
/// the hash is PBKDF2-HMAC-SHA512 over the UTF-8 password with 101 iterations and a 12-byte salt, 64 bytes long
/// (what <c>mosquitto_passwd</c> 2.0.11 writes). Rewritten atomically (temp file + rename, mode 0640); lines of other
/// users stay as they are.
/// </summary>
public static class MosquittoPasswordFile
{
    private const int Iterations = 101;
    private const int SaltBytes = 12;
    private const int HashBytes = 64;
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static string HashLine(string username, string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA512, HashBytes);
        return $"{username}:$7${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>True when <paramref name="line"/> is a <c>$7$</c> line whose hash matches the password.</summary>
    public static bool Verify(string line, string password)
    {
        var parts = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split('$');
        if (parts is not ["", "7", var iterations, var salt, var hash] || !int.TryParse(iterations, out var count))
        {
            return false;
        }

        var expected = Convert.FromBase64String(hash);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(salt), count, HashAlgorithmName.SHA512, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Adds the user's line, or replaces it.</summary>
    public static Task SetAsync(string path, string username, string password, CancellationToken ct) =>
        RewriteAsync(path, username, HashLine(username, password), ct);

    /// <summary>
    /// Adds or replaces the lines of many users with one rewrite. The PBKDF2 hashes are computed in parallel: cheap
    /// each (101 iterations), but ten thousand of them are worth both cores.
    /// </summary>
    public static async Task SetManyAsync(string path, IReadOnlyList<(string Id, string Password)> users, CancellationToken ct)
    {
        var hashed = new string[users.Count];
        Parallel.For(0, users.Count, new ParallelOptions { CancellationToken = ct }, i => hashed[i] = HashLine(users[i].Id, users[i].Password));
        var replaced = users.Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        await Gate.WaitAsync(ct);
        try
        {
            var lines = File.Exists(path) ? (await File.ReadAllLinesAsync(path, ct)).ToList() : [];
            lines.RemoveAll(l => replaced.Contains(l.Split(':', 2)[0]));
            lines.AddRange(hashed);
            await WriteLockedAsync(path, lines, ct);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Removes the user's line; false when there was none.</summary>
    public static Task<bool> RemoveAsync(string path, string username, CancellationToken ct) =>
        RewriteAsync(path, username, replacement: null, ct);

    private static async Task<bool> RewriteAsync(string path, string username, string? replacement, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            var lines = File.Exists(path) ? (await File.ReadAllLinesAsync(path, ct)).ToList() : [];
            var prefix = username + ":";
            var found = lines.RemoveAll(l => l.StartsWith(prefix, StringComparison.Ordinal)) > 0;
            if (replacement is not null)
            {
                lines.Add(replacement);
            }
            else if (!found)
            {
                return false;
            }

            await WriteLockedAsync(path, lines, ct);
            return found;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Replaces the whole file with <paramref name="lines"/>, atomically.</summary>
    public static async Task WriteAllAsync(string path, IReadOnlyList<string> lines, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            await WriteLockedAsync(path, lines, ct);
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task WriteLockedAsync(string path, IReadOnlyList<string> lines, CancellationToken ct)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
            }

            await using (var stream = new FileStream(temp, options))
            await using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            {
                foreach (var line in lines)
                {
                    await writer.WriteAsync(line.AsMemory(), ct);
                    await writer.WriteAsync('\n');
                }

                await writer.FlushAsync(ct);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                // The umask may have narrowed the create mode; the broker's group must be able to read it.
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
