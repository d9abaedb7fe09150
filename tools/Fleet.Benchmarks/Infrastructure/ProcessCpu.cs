using System.Globalization;

namespace Fleet.Benchmarks.Infrastructure;

/// <summary>
/// CPU time of processes from /proc/&lt;pid&gt;/stat (utime + stime), in seconds. The kernel reports these in USER_HZ
/// clock ticks, which is 100 on every Linux ABI (whatever CONFIG_HZ the kernel was built with).
/// </summary>
internal static class ProcessCpu
{
    private const double TicksPerSecond = 100;

    /// <summary>utime + stime of one process (all its threads), or null when it is gone.</summary>
    public static double? Seconds(int pid) => Read(pid) is { } stat ? (stat.UTime + stat.STime) / TicksPerSecond : null;

    /// <summary>
    /// A server and its direct children (PostgreSQL: the postmaster and its backends and workers): their utime + stime,
    /// plus what the server's children that already exited used (cutime + cstime: the postmaster reaps them), so a
    /// backend that ends inside a window still counts. Null when the root is gone.
    /// </summary>
    public static double? TreeSeconds(int root)
    {
        if (Read(root) is not { } stat)
        {
            return null;
        }

        var ticks = stat.UTime + stat.STime + stat.CUTime + stat.CSTime;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != root && Read(pid) is { } child && child.ParentId == root)
            {
                ticks += child.UTime + child.STime;
            }
        }

        return ticks / TicksPerSecond;
    }

    public static int? ParentOf(int pid) => Read(pid)?.ParentId;

    private static Stat? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces: the fields that matter follow its last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return new Stat((int)Field(4), Field(14), Field(15), Field(16), Field(17));
    }

    private sealed record Stat(int ParentId, long UTime, long STime, long CUTime, long CSTime);
}
