using System.Globalization;
using Fleet.Domain.Messages;

namespace Fleet.Agent.Health;

/// <summary>
/// Reads the Pi's fixed facts from /proc and /sys (and the state directory's filesystem). Each fact is read on its own
/// and a fact that cannot be read (a container without thermal zones, an x86 box) is left out, never an error.
/// </summary>
internal sealed class FactReader(string stateDirectory, string procRoot = "/proc", string sysRoot = "/sys")
{
    public HealthFacts Read()
    {
        var load = ReadLoad();
        var (available, total) = ReadMemory();
        var (diskFree, diskTotal) = ReadDisk();
        return new HealthFacts
        {
            UptimeSeconds = ReadUptime(),
            DiskFreeBytes = diskFree,
            DiskTotalBytes = diskTotal,
            Load = load,
            MemoryAvailableBytes = available,
            MemoryTotalBytes = total,
            CpuTemperatureC = ReadCpuTemperature(),
        };
    }

    private long? ReadUptime() =>
        FirstWords(Path.Combine(procRoot, "uptime"), 1) is [var seconds] && TryNumber(seconds, out var value) ? (long)value : null;

    private List<double>? ReadLoad()
    {
        if (FirstWords(Path.Combine(procRoot, "loadavg"), 3) is not { Length: 3 } words)
        {
            return null;
        }

        var load = new List<double>(3);
        foreach (var word in words)
        {
            if (!TryNumber(word, out var value))
            {
                return null;
            }

            load.Add(value);
        }

        return load;
    }

    private (long? Available, long? Total) ReadMemory()
    {
        long? available = null, total = null;
        foreach (var line in ReadLines(Path.Combine(procRoot, "meminfo")))
        {
            // "MemAvailable:    1234567 kB"
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
            {
                if (parts[0] == "MemAvailable:")
                {
                    available = kib * 1024;
                }
                else if (parts[0] == "MemTotal:")
                {
                    total = kib * 1024;
                }
            }
        }

        return (available, total);
    }

    private (long? Free, long? Total) ReadDisk()
    {
        try
        {
            // The state directory may not exist yet on the first read: its nearest existing parent is on the same filesystem.
            var directory = new DirectoryInfo(Path.GetFullPath(stateDirectory));
            while (directory is { Exists: false, Parent: not null })
            {
                directory = directory.Parent;
            }

            var drive = new DriveInfo(directory.FullName);
            return (drive.AvailableFreeSpace, drive.TotalSize);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (null, null);
        }
    }

    /// <summary>The zone named cpu-thermal (a Pi) or x86_pkg_temp, else the first zone that reads; millidegrees in the file.</summary>
    private double? ReadCpuTemperature()
    {
        string[] zones;
        try
        {
            zones = Directory.GetDirectories(Path.Combine(sysRoot, "class", "thermal"), "thermal_zone*");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        Array.Sort(zones, StringComparer.Ordinal);
        var ordered = zones.OrderBy(z => FirstWords(Path.Combine(z, "type"), 1) is ["cpu-thermal" or "x86_pkg_temp"] ? 0 : 1);
        foreach (var zone in ordered)
        {
            if (FirstWords(Path.Combine(zone, "temp"), 1) is [var milli] && TryNumber(milli, out var value))
            {
                return Math.Round(value / 1000, 1);
            }
        }

        return null;
    }

    private static string[]? FirstWords(string path, int count)
    {
        var line = ReadLines(path).FirstOrDefault();
        return line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(count).ToArray();
    }

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
