using System.Runtime.InteropServices;

using Fleet.Api.Tests.Infrastructure;

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
            ["memory"] = ReadProc("/proc/meminfo", "MemTotal") ?? "unknown",
            ["kernel"] = Read("/proc/sys/kernel/osrelease"),
            ["os"] = ReadProc("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? RuntimeInformation.OSDescription,
            ["dotnetRuntime"] = RuntimeInformation.FrameworkDescription,
            ["openFilesLimit"] = ReadLimits(),
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

    private static string ReadLimits()
    {
        var line = ReadProc("/proc/self/limits", "Max open files");
        return line is null ? "unknown" : string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2));
    }
}
