using System.Runtime.InteropServices;

using Fleet.Testing.Processes;

namespace Fleet.Benchmarks.Reporting;

/// <summary>The machine and software versions the numbers were measured on.</summary>
internal static class MachineInfo
{
    public static async Task<SortedDictionary<string, string>> CollectAsync()
    {
        var info = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["cpu"] = ReadProc("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
            ["cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["memory"] = Memory(),
            ["kernel"] = Read("/proc/sys/kernel/osrelease"),
            ["os"] = ReadProc("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? RuntimeInformation.OSDescription,
            ["dotnetRuntime"] = RuntimeInformation.FrameworkDescription,
            ["openFilesLimit"] = ReadLimits(),
            ["loadAverageAtStart"] = LoadAverage(),
        };
        info["dotnetSdk"] = await CommandAsync("dotnet", "--version");
        return info;
    }

    public static async Task<string> CommandAsync(string fileName, params string[] arguments)
    {
        try
        {
            var (_, output, error) = await ChildProcess.RunAsync(fileName, arguments, TimeSpan.FromSeconds(30));
            return (output.Length > 0 ? output : error).Split('\n')[0].Trim();
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return "unknown";
        }
    }

    private static string? ReadProc(string path, string key, char separator = ':')
    {
        try
        {
            var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line?[(line.IndexOf(separator, StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>1, 5 and 15 minute load averages: how much else was running (the benchmark shares the machine).</summary>
    public static string LoadAverage() => string.Join(' ', Read("/proc/loadavg").Split(' ').Take(3));

    private static string Memory()
    {
        var kb = ReadProc("/proc/meminfo", "MemTotal")?.Split(' ')[0];
        return long.TryParse(kb, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value / 1048576.0:0.0} GiB")
            : "unknown";
    }

    private static string ReadLimits()
    {
        // "Max open files            20000                20000                files": soft, then hard.
        var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var numbers = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).ToArray();
        return numbers is { Length: 2 } ? $"soft {numbers[0]}, hard {numbers[1]}" : "unknown";
    }
}
