using System.Globalization;

namespace Fleet.Benchmarks.Infrastructure;

/// <summary>Resident memory of a process from /proc: current (VmRSS) and peak (VmHWM), in MB.</summary>
internal static class ProcessMemory
{
    public static double? RssMb(int pid) => ReadKb(pid, "VmRSS:") / 1024.0;

    public static double? PeakMb(int pid) => ReadKb(pid, "VmHWM:") / 1024.0;

    /// <summary>Resets VmHWM to the current RSS (writing 5 to clear_refs), so a scenario's own peak can be read.</summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long? ReadKb(int pid, string key)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line is null ? null : long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
